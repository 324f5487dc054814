import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseTrace } from '@llm-teams/runtime';
import { argv, spawnCli, tempDir, until } from '@llm-teams/testkit';
import { copyHaikuTeam } from '../support/haiku-team.js';

/**
 * `node --record`: a node writes the model calls of the members it hosts to a cassette, as
 * `run --record` does for the run's own; the two cassettes in one directory replay the whole
 * team (`--model replay:<dir>`) with the script gone. The team is the poet and the editor on
 * a scripted model, the editor in a node process.
 */
const dir = tempDir('llmt-node-record-');
afterAll(() => dir.cleanup());

const agentsOf = (cassette: string) =>
  readFileSync(cassette, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { key: { agentId: string } }).key.agentId);

describe('node --record', { timeout: 180_000 }, () => {
  it("records the node's members' calls; with the run's cassette, replay:<dir> runs the team again", async () => {
    // A copy of the team, whose script is deleted once recorded.
    const team = copyHaikuTeam('node-record-');
    const cassettes = join(dir.dir, 'cassettes');
    const out = join(dir.dir, 'recorded');
    // docs/cli.md's commands: the run (on an embedded server) prints the node's command line.
    const run = spawnCli(argv`run --team ${team} --seed 1 --remote editor
      --record ${join(cassettes, 'run.jsonl')} --out ${out}`);
    onTestFinished(() => run.kill('SIGKILL'));
    let url: string | undefined;
    await until(
      'the run prints where the editor connects',
      () =>
        (url = /run elsewhere: llm-teams node --nats (\S+)/.exec(run.output().stderr)?.[1]) !==
        undefined,
      120_000,
    );
    const node = spawnCli(argv`node --nats ${url!} --team ${team} --agents editor
      --record ${join(cassettes, 'editor.jsonl')} --out ${out}`);
    onTestFinished(() => node.kill('SIGKILL'));
    const ran = await run.exited;
    expect(ran.code, ran.stderr).toBe(0);
    const hosted = await node.exited;
    expect(hosted.code, hosted.stderr).toBe(0);
    expect(hosted.stderr).toContain(`model calls in ${join(cassettes, 'editor.jsonl')}`);
    // Each process recorded its own members' calls: the poet's two drafts, the editor's two
    // reviews.
    expect(agentsOf(join(cassettes, 'run.jsonl'))).toEqual(['poet', 'poet']);
    expect(agentsOf(join(cassettes, 'editor.jsonl'))).toEqual(['editor', 'editor']);

    rmSync(join(team, 'script.yaml'));
    const again = join(dir.dir, 'replayed');
    const replayed = await spawnCli(argv`run --team ${team} --seed 1 --model replay:${cassettes}
      --out ${again}`).exited;
    expect(replayed.code, replayed.stderr).toBe(0);
    const result = (d: string) =>
      (JSON.parse(readFileSync(join(d, 'result.json'), 'utf8')) as { result: { output: unknown } })
        .result.output;
    expect(result(again)).toEqual(result(out));
    const llm = parseTrace(readFileSync(join(again, 'trace.jsonl'), 'utf8')).filter(
      (e) => e.kind === 'llm',
    );
    expect(llm.map((e) => e.actor).sort()).toEqual(['editor', 'editor', 'poet', 'poet']);
  });
});
