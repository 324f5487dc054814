import type { KV } from '@llm-teams/broker';
import type { SharedStateGate } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import { casCreate, casUpdate } from './kv-cas.js';
import { kvRequest, type KvRetry } from './kv-retry.js';
import { listKeys } from './kv-keys.js';

/** A file as stored: its content and the KV revision that wrote it. */
export interface WorkspaceFile {
  path: string;
  content: string;
  rev: number;
  /** Who wrote this revision. */
  author: string;
}

export type WriteOutcome =
  | { ok: true; rev: number }
  | { ok: false; currentRev: number; currentAuthor: string | undefined; reason: string };

export interface WorkspaceStore {
  read(path: string): Promise<WorkspaceFile | undefined>;
  /**
   * Compare-and-set: writes only if the file's current revision is `baseRev` (0: the file
   * must not exist). A refused write changes nothing and says what the revision is now.
   */
  write(path: string, content: string, baseRev: number, author: string): Promise<WriteOutcome>;
  /** Every file at its latest revision. */
  list(): Promise<WorkspaceFile[]>;
}

const PATH = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

/** Why a workspace path is not allowed, or undefined. Paths are relative, `/`-separated,
 *  with no `..`, and use only characters that are also valid KV keys. */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0 || path.length > 256) return 'a path has 1-256 characters';
  if (!PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    return `invalid path ${JSON.stringify(path)}: use a relative path of letters, digits, '_', '-', '.' and '/' (no '..')`;
  }
  return undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function keyOf(path: string): string {
  const problem = pathProblem(path);
  if (problem) throw new AgentsError('INVALID_PATH', problem);
  return `f.${path}`;
}

function encodeFile(author: string, content: string): Uint8Array {
  return encoder.encode(JSON.stringify({ author, content }));
}

function decodeFile(path: string, rev: number, bytes: Uint8Array): WorkspaceFile {
  const v = JSON.parse(decoder.decode(bytes)) as { author: string; content: string };
  return { path, rev, author: v.author, content: v.content };
}

function isWrongSequence(err: unknown): boolean {
  const text = String((err as Error)?.message ?? err);
  return /wrong last sequence|key exists|already exists/i.test(text);
}

export interface WorkspaceStoreOptions {
  /** Schedule control: every KV operation waits for its turn (docs/schedules.md). Default:
   *  none. */
  gate?: SharedStateGate;
  /** TEST ONLY, a deliberately broken protocol: writes are plain puts that ignore `baseRev`,
   *  so concurrent writers silently overwrite each other. Default false. */
  unsafeWrites?: boolean;
  /** List files with one stream-info request instead of a consumer (`listKeys`). Default
   *  false. */
  fastKeys?: boolean;
  /** Retry requests that fail for a passing reason (a broker failing over). Default: none. */
  retry?: KvRetry;
}

/**
 * The shared workspace in a JetStream KV bucket (the team's `files` bucket). Revisions are the
 * bucket's sequence numbers, so a lost update is impossible: every write names the revision
 * it replaces.
 */
export function createWorkspaceStore(kv: KV, options: WorkspaceStoreOptions = {}): WorkspaceStore {
  const gate = options.gate;
  const op = <T>(name: string, key: string, run: () => Promise<T>): Promise<T> =>
    gate ? gate({ store: 'files', op: name, key }, run) : kvRequest(options.retry, run);
  async function current(path: string): Promise<WorkspaceFile | undefined> {
    const key = keyOf(path);
    const e = await op('get', key, () => kv.get(key));
    if (!e || e.operation !== 'PUT') return undefined;
    return decodeFile(path, e.revision, e.value);
  }
  return {
    read: current,
    async write(path, content, baseRev, author) {
      const key = keyOf(path);
      try {
        const rev = options.unsafeWrites
          ? await op('put', key, () => kv.put(key, encodeFile(author, content)))
          : baseRev === 0
            ? await op('create', key, () => casCreate(kv, key, encodeFile(author, content)))
            : await op('update', key, () =>
                casUpdate(kv, key, encodeFile(author, content), baseRev),
              );
        return { ok: true, rev };
      } catch (err) {
        if (!isWrongSequence(err)) throw err;
        const now = await current(path);
        return {
          ok: false,
          currentRev: now?.rev ?? 0,
          currentAuthor: now?.author,
          reason:
            baseRev === 0
              ? `${path} already exists at revision ${now?.rev ?? '?'}; read it first`
              : `${path} changed: you read revision ${baseRev}, it is now revision ${now?.rev ?? 0}`,
        };
      }
    },
    async list() {
      const keys = await op('keys', 'f.>', () => listKeys(kv, 'f.>', options.fastKeys));
      const files = await Promise.all(keys.map((k) => current(k.slice(2))));
      return files
        .filter((f): f is WorkspaceFile => f !== undefined)
        .sort((a, b) => a.path.localeCompare(b.path));
    },
  };
}
