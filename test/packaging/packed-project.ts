import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository's root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** One tarball as `npm pack --json` describes it. */
export interface PackedTarball {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** An empty npm project with the packed packages installed from their tarballs. */
export interface PackedProject {
  readonly dir: string;
  readonly tarballs: readonly PackedTarball[];
  /** Runs a command in the project with an environment a user would have (see `userEnv`). */
  exec(
    file: string,
    args: readonly string[],
    options?: { timeoutMs?: number },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): void;
}

/**
 * The environment of a user's shell: without the repository's `@llm-teams/source` condition
 * (NODE_OPTIONS, set by vitest.config.ts), which would point the installed packages at
 * sources they do not ship, and without the settings of the `npm test` that runs us.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || /^npm_/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

async function exec(
  file: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 120_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd,
      env: userEnv(),
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

async function checked(file: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await exec(file, args, cwd, 240_000);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Builds every workspace package (`tsc -b`; declarations included), packs each with `npm pack`
 * and installs the tarballs, plus `extra` registry packages, into a new empty project. The
 * build skips type checking (`--noCheck`): `npm test` type-checks the sources before this runs.
 */
export async function installPackedPackages(extra: readonly string[] = []): Promise<PackedProject> {
  const root = mkdtempSync(join(tmpdir(), 'llmt-packed-'));
  const dir = join(root, 'project');
  const tarballDir = join(root, 'tarballs');
  mkdirSync(dir);
  mkdirSync(tarballDir);
  try {
    await checked('npm', ['run', 'build', '--', '--noCheck'], REPO);
    // prepack would run the checked build again; the build above is what it would produce.
    const packed = await checked(
      'npm',
      ['pack', '--workspaces', '--ignore-scripts', '--json', '--pack-destination', tarballDir],
      REPO,
    );
    const tarballs = JSON.parse(packed) as PackedTarball[];
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'llm-teams-user', private: true, type: 'module' }, null, 2),
    );
    await checked(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...tarballs.map((t) => join(tarballDir, t.filename)),
        ...extra,
      ],
      dir,
    );
    return {
      dir,
      tarballs,
      exec: (file, args, options) => exec(file, args, dir, options?.timeoutMs),
      remove: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
