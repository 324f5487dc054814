import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSuite } from '@llm-teams/agents';
import {
  BUILT_IN_SUITES_DIR,
  applySite,
  checkMistakes,
  loadSuite,
  mistakeCatalogSchema,
  mutationSites,
  validateSuite,
} from '@llm-teams/lab';

const BIN = fileURLToPath(new URL('../../bin/llm-teams.js', import.meta.url));

function llmTeams(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

const SOURCE = `// a < b in a comment, and "x <= y" in a string
export function clamp(x, lo, hi) {
  if (lo > hi) throw new RangeError('lo > hi');
  for (let i = 0; i < 1; i++) x = x;
  return x < lo ? lo : x > hi ? hi : x;
}
export const last = (xs) => xs[xs.length - 1];
`;

describe('mutation sites', () => {
  it('finds off-by-ones, guards and returns on the syntax tree, never in comments or strings', () => {
    const sites = mutationSites('src/clamp.js', SOURCE);
    const kinds = new Set(sites.map((s) => s.kind));
    expect([...kinds].sort()).toEqual(['missed-edge-case', 'off-by-one', 'wrong-type']);
    const literal = SOURCE.indexOf("'lo > hi'");
    for (const s of sites) {
      const line = SOURCE.slice(0, s.start).split('\n').length;
      expect(line, s.note).toBeGreaterThan(1);
      // Nothing starts inside the string literal.
      expect(s.start <= literal || s.start >= literal + "'lo > hi'".length, s.note).toBe(true);
    }
    const apply = (note: RegExp) =>
      applySite(
        SOURCE,
        sites.find((s) => note.test(s.note))!,
      );
    expect(apply(/guard/)).not.toContain('throw');
    expect(apply(/lost its `- 1`/)).toContain('xs[xs.length]');
    expect(apply(/starts at 1/)).toContain('let i = 1');
    expect(apply(/String\(x < lo/)).toContain('return String(x < lo ? lo : x > hi ? hi : x);');
  });
});

describe('mistake catalogs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-mistakes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'every catalogued mistake of the built-in suites applies and fails its tests',
    { timeout: 180_000 },
    async () => {
      const suites: TaskSuite[] = [await loadSuite({ suite: 'tiny', p: 0.5 })];
      for (const id of ['math', 'data', 'svg']) {
        for (const p of [0.9, 0.5, 0.2]) suites.push(await loadSuite({ suite: id, p }));
      }
      const tasks = suites.flatMap((s) => s.tasks);
      // Every task has at least one, all three kinds are there.
      expect(tasks.filter((t) => (t.mistakes ?? []).length === 0).map((t) => t.id)).toEqual([]);
      const kinds = new Set(tasks.flatMap((t) => (t.mistakes ?? []).map((m) => m.kind)));
      expect([...kinds].sort()).toEqual(['missed-edge-case', 'off-by-one', 'wrong-type']);
      const checks = await checkMistakes(suites);
      expect(checks.filter((c) => !c.fails)).toEqual([]);
    },
  );

  it('a catalog that no longer applies to its reference is a suite issue naming the task', async () => {
    const copy = join(dir, 'stale', 'tiny');
    cpSync(join(BUILT_IN_SUITES_DIR, 'tiny'), copy, { recursive: true });
    const task = join(copy, 'tasks', 'palindrome');
    const catalog = mistakeCatalogSchema.parse(
      JSON.parse(readFileSync(join(task, 'mistakes.json'), 'utf8')),
    );
    const entry = catalog.mistakes[0]!;
    const file = join(task, 'reference', entry.path);
    writeFileSync(file, readFileSync(file, 'utf8').replace(entry.find, '// rewritten\n'));
    const issues = await validateSuite({ suite: copy });
    expect(issues.map((i) => [i.code, i.task])).toContainEqual(['INVALID_MISTAKES', 'palindrome']);
  });

  it(
    'llm-teams mistakes writes a catalog for every task of a suite, and --check runs them',
    { timeout: 180_000 },
    async () => {
      const copy = join(dir, 'fresh', 'tiny');
      cpSync(join(BUILT_IN_SUITES_DIR, 'tiny'), copy, { recursive: true });
      for (const t of ['slug', 'words', 'unique-slugs', 'reverse', 'palindrome', 'vowels']) {
        rmSync(join(copy, 'tasks', t, 'mistakes.json'), { force: true });
      }
      const made = await llmTeams(['mistakes', '--suite', copy]);
      expect(made.code).toBe(0);
      expect(made.stdout).toMatch(/^wrote 6 catalogs, \d+ mistakes$/m);
      expect(made.stdout).toMatch(/tasks\/palindrome\/mistakes\.json: .*off-by-one/);
      const checked = await llmTeams(['mistakes', '--suite', copy, '--check']);
      expect(checked.code).toBe(0);
      expect(checked.stdout).toMatch(/mistakes of 6 tasks checked; 0 pass their tests/);
    },
  );
});
