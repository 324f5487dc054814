/** The command line every benchmark reads: `--json` (only the figures, as JSON) and numbers. */
export const json = process.argv.includes('--json');

/** Progress for a reader; silent under `--json`, whose output is the figures alone. */
export const log = (...args: unknown[]): void => {
  if (!json) console.log(...args);
};

/** `--name <number>`, or `fallback` when absent. */
export function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value))
    throw new Error(`${name} takes a number, got ${process.argv[i + 1]}`);
  return value;
}
