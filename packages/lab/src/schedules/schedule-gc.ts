import { setFlagsFromString } from 'node:v8';

let set = false;

/**
 * Turns off V8's allocation-site pretenuring for this process (V8's flags are the process's:
 * its search threads too). A controlled schedule is mostly xstate's short-lived garbage
 * (snapshots, action records, events); V8 sees some of its allocation sites survive a
 * scavenge, allocates them in old space from then on, and everything they point to survives
 * scavenges too (docs/benchmarks.md, "Why the state machine path is slower"). Without it a
 * tiny schedule cost node ~7% less CPU. It changes where objects are allocated, never what a
 * program does.
 *
 * A process-wide setting, so the process's owner decides: the `llm-teams explore` command's
 * entry (bin/llm-teams.js) and the exploration benchmark call it; `exploreSchedules`, a
 * library call, leaves its caller's process as it is.
 */
export function preferYoungGarbage(): void {
  if (set) return;
  set = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
