import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTraceRecorder, type TraceEvent } from '@llm-teams/runtime';
import { SCHEDULE_FILE, writeScheduleFile, type ScheduleFile } from './schedule-file.js';

/** Files a schedule command writes into its output directory. */
export const SCHEDULE_FILES = {
  schedule: SCHEDULE_FILE,
  trace: 'trace.jsonl',
  summary: 'explore.json',
} as const;

/** Writes a trace as JSON Lines (through the recorder, so secrets are redacted as usual). */
export async function writeTraceFile(path: string, events: readonly TraceEvent[]): Promise<void> {
  await rm(path, { force: true });
  const recorder = createTraceRecorder({ file: path });
  for (const e of events) recorder.write(e);
  await recorder.close();
}

/** Writes `schedule.json` and the trace of its run into `dir`. */
export async function writeScheduleOutput(
  dir: string,
  file: ScheduleFile,
  events: readonly TraceEvent[],
): Promise<{ schedule: string; trace: string }> {
  await mkdir(dir, { recursive: true });
  const schedule = join(dir, SCHEDULE_FILES.schedule);
  const trace = join(dir, SCHEDULE_FILES.trace);
  await writeScheduleFile(schedule, file);
  await writeTraceFile(trace, events);
  return { schedule, trace };
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 2) + '\n');
}
