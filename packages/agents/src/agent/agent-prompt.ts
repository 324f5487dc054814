import type { ModelMessage, ToolDefinition } from '../models/index.js';
import { teamToolDefinitions } from '../models/index.js';
import type { WorkspaceFile } from '../team-state/workspace-store.js';
import type { TaskSpec } from '../task-spec.js';
import type { ToolName } from '../tools/tool-schemas.js';

/** `rounds` and `rounds-claim` are the paper's harness on this runtime (lock-step rounds, shared
 *  state under locks), with a pre-assigning lead and with self-claiming agents (rounds/). */
export type Architecture = 'single' | 'centralized' | 'decentralized' | 'rounds' | 'rounds-claim';

/** The paper's harness: lock-step rounds (packages/agents/src/rounds/). */
export const isRoundsArch = (arch: string): arch is 'rounds' | 'rounds-claim' =>
  arch === 'rounds' || arch === 'rounds-claim';

/** The tools an agent is offered while working a task. Claiming is the coordinator's job in a
 *  centralized team, so its workers are not offered `claim_task`; a rounds team claims (or is
 *  dealt) a task in a step of its own, before working it. */
export function workTools(arch: Architecture): ToolDefinition[] {
  const names: ToolName[] = [
    'read_file',
    'write_file',
    'run_tests',
    'complete_task',
    'send_message',
  ];
  return teamToolDefinitions(
    arch === 'centralized' || isRoundsArch(arch) ? names : ['claim_task', ...names],
  );
}

const HOW: Record<Exclude<Architecture, 'single'>, string> = {
  centralized: 'A coordinator assigns tasks; report through complete_task.',
  decentralized: 'There is no coordinator: tasks are claimed on a shared board.',
  rounds:
    'The team works in rounds: each round every agent acts once. A lead assigned your tasks before the first round.',
  'rounds-claim':
    'The team works in rounds: each round every agent acts once. Tasks are claimed on a shared board.',
};

export function systemPrompt(
  agentId: string,
  arch: Architecture,
  teammates: readonly string[],
): string {
  const team =
    arch === 'single'
      ? 'You work alone.'
      : `Your teammates are ${teammates.join(', ')}. ${HOW[arch]}`;
  return [
    `You are ${agentId}, a software engineer on a team that builds a JavaScript code base together.`,
    team,
    'The workspace is shared: read a file before you change it; every write names the revision you read, and a refused write means someone changed it — read it again and merge.',
    'For your task: write its files, run its tests, fix until they pass, then call complete_task. Do not edit files that belong to other tasks.',
  ].join('\n');
}

/**
 * The first message of a task turn: everything the task needs and nothing else — its spec,
 * the current content of the files of its dependencies, the messages teammates addressed to
 * this agent. Team history stays out, so tokens per task do not grow with team size.
 */
export function taskBriefing(
  task: TaskSpec,
  depFiles: readonly WorkspaceFile[],
  inbox: readonly { from: string; text: string }[],
  note: string | undefined,
): ModelMessage {
  const parts = [
    `# Task ${task.id}: ${task.title}`,
    task.spec.trim(),
    `Files you write: ${task.files.join(', ')}`,
    task.deps.length > 0 ? `Depends on (done): ${task.deps.join(', ')}` : 'No dependencies.',
  ];
  for (const f of depFiles)
    parts.push(`## ${f.path} (revision ${f.rev})\n\`\`\`js\n${f.content}\n\`\`\``);
  if (inbox.length > 0) {
    parts.push('## Messages to you', ...inbox.map((m) => `- from ${m.from}: ${m.text}`));
  }
  if (note) parts.push(note);
  return { role: 'user', content: parts.join('\n\n') };
}

/** What to say when the model stops without completing (one nudge per turn). */
export const CONTINUE_NUDGE: ModelMessage = {
  role: 'user',
  content: 'The task is not complete yet. Continue: make its tests pass, then call complete_task.',
};

/** Tools a reviewer is offered: it reads and tests, it does not write. */
export function reviewTools(): ToolDefinition[] {
  return teamToolDefinitions(['read_file', 'run_tests']);
}

/** The first message of a review: the task and what a verdict looks like. */
export function reviewBriefing(task: TaskSpec): ModelMessage {
  return {
    role: 'user',
    content: [
      `# Review task ${task.id}: ${task.title}`,
      task.spec.trim(),
      `Files to review: ${task.files.join(', ')}`,
      "Read the files and run the task's tests. Then reply with a single line starting with APPROVE or REJECT, followed by your reason.",
    ].join('\n\n'),
  };
}
