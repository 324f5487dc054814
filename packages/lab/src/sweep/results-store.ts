import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isRunRecord, type RunRecord } from '../run/run-record.js';

export interface ResultsFile {
  records: RunRecord[];
  /** Lines that were not a record: a torn last line after a kill, or a foreign line. */
  skippedLines: number;
}

/**
 * Reads `results.jsonl`. A line that does not parse (the tail of a sweep killed mid-write)
 * is skipped, not fatal: the run it belonged to is simply run again.
 */
export function readResults(file: string): ResultsFile {
  if (!existsSync(file)) return { records: [], skippedLines: 0 };
  const records: RunRecord[] = [];
  let skipped = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isRunRecord(value)) records.push(value);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skippedLines: skipped };
}

/** The append-only results file of a sweep: one JSON line per finished run. */
export interface ResultsStore {
  readonly file: string;
  /** Keys with a record. */
  readonly done: ReadonlySet<string>;
  readonly records: readonly RunRecord[];
  /** Appends one record (one synchronous write of one line, so a kill never tears two). */
  append(record: RunRecord): void;
}

export async function openResultsStore(file: string): Promise<ResultsStore> {
  await mkdir(dirname(file), { recursive: true });
  const { records } = readResults(file);
  // A torn line at the end would glue onto the next record; start the next one on a fresh line.
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
  } else {
    await writeFile(file, '');
  }
  const done = new Set(records.map((r) => r.key));
  return {
    file,
    done,
    records,
    append(record) {
      appendFileSync(file, JSON.stringify(record) + '\n');
      records.push(record);
      done.add(record.key);
    },
  };
}
