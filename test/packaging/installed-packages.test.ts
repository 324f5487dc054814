import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWalkthrough, walkthroughSteps } from '../support/sdk-walkthrough.js';
import { installPackedPackages, REPO, userEnv, type PackedProject } from './packed-project.js';

const PACKAGES = ['broker', 'runtime', 'agents', 'lab', 'testkit'];
const fixture = (name: string) => join(REPO, 'test', 'packaging', 'fixtures', name);

/** The fenced code blocks of one language in a Markdown text. */
function codeBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm');
  for (const match of markdown.matchAll(fence)) blocks.push(match[1] ?? '');
  return blocks;
}

// One build, pack and install for the whole file (about a minute): every test uses it.
describe('the packages, packed with npm pack and installed into an empty project', () => {
  let project: PackedProject;
  const installed = (...path: string[]) => join(project.dir, 'node_modules', ...path);
  const llmTeams = (args: string[]) => project.exec(installed('.bin', 'llm-teams'), args);

  beforeAll(async () => {
    project = await installPackedPackages(['xstate@^5', '@types/node@^20']);
  }, 300_000);
  afterAll(() => project?.remove());

  it('each tarball holds compiled JavaScript, declarations and a README, and no sources', () => {
    expect(project.tarballs.map((t) => t.name).sort()).toEqual(
      PACKAGES.map((p) => `@llm-teams/${p}`).sort(),
    );
    for (const tarball of project.tarballs) {
      const files = tarball.files.map((f) => f.path);
      expect(files, tarball.name).toEqual(
        expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
      const manifest = JSON.parse(
        readFileSync(installed(tarball.name, 'package.json'), 'utf8'),
      ) as { private?: boolean; version: string; exports: Record<string, unknown> };
      expect(manifest.private).toBeUndefined();
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(manifest.exports['.']).toMatchObject({
        types: './dist/index.d.ts',
        default: './dist/index.js',
      });
    }
  });

  it('the JavaScript examples of the broker, runtime and agents READMEs run as they are', async () => {
    const outputs: Record<string, string> = {};
    for (const pkg of ['broker', 'runtime', 'agents']) {
      const readme = readFileSync(installed('@llm-teams', pkg, 'README.md'), 'utf8');
      const [example] = codeBlocks(readme, 'js');
      expect(example, `${pkg} README has a js example`).toBeDefined();
      writeFileSync(join(project.dir, `readme-${pkg}.js`), example ?? '');
      const res = await project.exec(process.execPath, [`readme-${pkg}.js`]);
      expect(res.code, `${pkg}: ${res.stderr}`).toBe(0);
      outputs[pkg] = res.stdout;
    }
    expect(outputs['broker']).toContain('llmt.demo.actor.a1');
    expect(existsSync(join(project.dir, 'out', 'trace.jsonl'))).toBe(true);
    expect(outputs['agents']).toMatch(/^end \{ inputTokens: \d+, outputTokens: \d+ \}/);
  });

  it('the lab README commands run with the installed llm-teams, from its compiled JavaScript', async () => {
    const readme = readFileSync(installed('@llm-teams', 'lab', 'README.md'), 'utf8');
    const commands = codeBlocks(readme, 'sh')
      .flatMap((block) => block.split('\n'))
      .filter((line) => line.startsWith('npx llm-teams '))
      .map((line) => line.slice('npx llm-teams '.length).split(/\s+/));
    expect(commands.map((c) => c[0])).toEqual(['run', 'analyze', 'view']);
    const results: { code: number; stdout: string; stderr: string }[] = [];
    for (const args of commands) results.push(await llmTeams(args));
    const [run, analyze, view] = results;
    expect(run?.code, run?.stderr).toBe(0);
    expect(run?.stdout).toMatch(/^completed: .*6\/6 tasks/);
    expect(analyze?.code, analyze?.stderr).toBe(0);
    expect(analyze?.stdout).toMatch(/no anomalies/);
    expect(view?.code, view?.stderr).toBe(0);
    expect(existsSync(join(project.dir, 'runs', 'tiny', 'report.html'))).toBe(true);
    expect(existsSync(join(project.dir, 'runs', 'tiny', 'trace.html'))).toBe(true);
  });

  it('a two-actor team in plain JavaScript runs on an embedded nats-server; the installed llm-teams analyzes its trace', async () => {
    copyFileSync(fixture('two-actor-team.js'), join(project.dir, 'two-actor-team.js'));
    const team = await project.exec(process.execPath, ['two-actor-team.js', 'team-out']);
    expect(team.code, team.stderr).toBe(0);
    expect(JSON.parse(team.stdout)).toEqual({ sums: [10, 11, 12] });

    const analyzed = await llmTeams(['analyze', 'team-out/trace.jsonl', '--json']);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    const report = JSON.parse(analyzed.stdout) as { analysis: { summary: { ok: boolean } } };
    expect(report.analysis.summary.ok).toBe(true);
  });

  it("docs/sdk.md's walkthrough runs in the project with the installed llm-teams: its own team.ts, faults, two processes", async () => {
    // The installed bin, in the project, with a user's environment: team.ts is loaded by the
    // compiled CLI (TypeScript through tsx, a dependency of the lab package).
    const cli = (args: string[]) => {
      const child = spawn(installed('.bin', 'llm-teams'), args, {
        cwd: project.dir,
        env: userEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })),
      );
      return { exited, stderr: () => stderr };
    };
    const steps = walkthroughSteps(project.dir, readWalkthrough(REPO), cli);
    steps.writeFiles();
    await steps.runOnce();
    await steps.runWithFaults();
    await steps.runAcrossTwoProcesses();
  }, 300_000);

  it('a strict TypeScript project type-checks against the installed declarations', async () => {
    copyFileSync(fixture('consumer.ts'), join(project.dir, 'consumer.ts'));
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = await project.exec(process.execPath, [
      tsc,
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      ...['--module', 'nodenext', '--target', 'es2023', '--types', 'node'],
      'consumer.ts',
    ]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
  });
});
