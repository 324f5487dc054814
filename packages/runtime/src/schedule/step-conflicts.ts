/** What a step id says (the format is the driver's: see `createScheduleDriver`). */
export type StepInfo =
  | { kind: 'time' }
  | { kind: 'deliver'; actor: string; from: string }
  | { kind: 'op'; actor: string; op: string; store: string; key: string };

const WRITES = new Set(['put', 'update', 'create', 'delete', 'purge']);

/** Reads a step id: `time+<ms>[.<n>]`, `<to><<from>[<#topic>]:<seq>[.<attempt>][~<n>]`,
 *  `<actor>#<n> <op> <store>/<key>`, `<actor>#<n>-<m> get <store>/*` (reads issued together;
 *  key `*`: any key of the store). */
export function parseStepId(id: string): StepInfo {
  if (id.startsWith('time+')) return { kind: 'time' };
  const op = /^([^#\s<]+)#\d+(?:-\d+)? (\S+) ([^/\s]+)\/(.*)$/.exec(id);
  if (op) return { kind: 'op', actor: op[1]!, op: op[2]!, store: op[3]!, key: op[4]! };
  const lt = id.indexOf('<');
  const rest = id.slice(lt + 1);
  return { kind: 'deliver', actor: id.slice(0, lt), from: rest.split(/[#:]/)[0]! };
}

/**
 * Whether the order of two steps can matter to the run: steps of one actor (its handling
 * order), time (it may wake anyone), and two operations on one key (or a listing and a
 * write in one store) of which one writes. Everything else commutes: swapping it changes no
 * state either step sees.
 */
export function stepsConflict(a: string, b: string): boolean {
  const x = parseStepId(a);
  const y = parseStepId(b);
  if (x.kind === 'time' || y.kind === 'time') return true;
  if (x.actor === y.actor) return true;
  if (x.kind !== 'op' || y.kind !== 'op' || x.store !== y.store) return false;
  if (!WRITES.has(x.op) && !WRITES.has(y.op)) return false;
  if (x.op === 'keys' || y.op === 'keys' || x.key === '*' || y.key === '*') return true;
  return x.key === y.key;
}
