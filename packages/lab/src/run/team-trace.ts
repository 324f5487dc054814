import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { teamResourceNames, type NatsConnection } from '@llm-teams/broker';
import {
  createTraceRecorder,
  createTraceStreamPublisher,
  followTraceStream,
  mergeTraces,
  parseTrace,
  readTraceStream,
  type TraceEvent,
  type TracePart,
  type TraceRecorder,
  type TraceSink,
  type TraceStreamFollower,
  type TraceStreamHost,
  type TraceStreamPublisher,
} from '@llm-teams/runtime';
import { LabError } from '../lab-error.js';

export interface TeamTraceOptions {
  nc: NatsConnection;
  team: string;
  prefix?: string | undefined;
  /** This host's node name (the `node` of its events). */
  node: string;
  /** This host's own JSON Lines file. Default: none. */
  file?: string | undefined;
  /** Every event as it is written (in-memory copies, live checkers). */
  onEvent?: ((event: TraceEvent) => void) | undefined;
  /** Publish to the team's trace stream. Default true. */
  stream?: boolean | undefined;
}

/** One host's trace: its own file, and its chunks on the team's trace stream. */
export interface TeamTrace extends TraceSink {
  readonly recorder: TraceRecorder;
  readonly publisher: TraceStreamPublisher | undefined;
  /** Flushes the file and stores the last chunks (and the end marker) on the stream. */
  close(): Promise<void>;
}

/**
 * Records a host's trace to its file and to the team's trace stream: one recorder, whose
 * flushed chunks (the file's bytes, redacted) the stream publisher stores off the hot path.
 */
export function openTeamTrace(options: TeamTraceOptions): TeamTrace {
  const subject = teamResourceNames({
    team: options.team,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
  }).subjects.trace;
  const publisher =
    options.stream === false
      ? undefined
      : createTraceStreamPublisher({ nc: options.nc, subject, node: options.node });
  const recorder = createTraceRecorder({
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(publisher ? { live: publisher } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return {
    recorder,
    publisher,
    write: (e) => recorder.write(e),
    async close() {
      await recorder.close();
      await publisher?.close();
    },
  };
}

export interface GatherTeamTraceOptions {
  nc: NatsConnection;
  team: string;
  prefix?: string | undefined;
  /** This host's own events (complete even where a publish was lost), merged first. */
  local?: TracePart | undefined;
  /** Wait for hosts still running to store their last chunks (a run that just ended).
   *  Default false. */
  waitForEnds?: boolean | undefined;
  /** With `waitForEnds`: stop once nothing new arrived for this long. Default 3000. */
  quietMs?: number | undefined;
}

/** The team's whole trace: its trace stream (every host's part) merged with `local`. */
export async function gatherTeamTrace(options: GatherTeamTraceOptions): Promise<{
  events: TraceEvent[];
  nodes: string[];
}> {
  const names = teamResourceNames({
    team: options.team,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
  });
  const hosts = await readTraceStream({
    nc: options.nc,
    stream: names.traceStream,
    waitForEnds: options.waitForEnds ?? false,
    ...(options.quietMs !== undefined ? { quietMs: options.quietMs } : {}),
  });
  const parts: TracePart[] = [
    ...(options.local ? [options.local] : []),
    ...hosts.map((h) => ({ host: h.host, events: h.events })),
  ];
  const events = mergeTraces(parts);
  return { events, nodes: [...new Set(events.map((e) => e.node))] };
}

export interface FollowTeamTraceOptions {
  nc: NatsConnection;
  team: string;
  prefix?: string | undefined;
  /** How long to wait for the team's trace stream to exist. Default 0: fail at once. */
  waitMs?: number | undefined;
  /** Each stored chunk's events, as hosts store them. */
  onEvents(events: readonly TraceEvent[], host: TraceStreamHost): void;
  /** A host closed its trace. */
  onHostEnd?: ((host: TraceStreamHost) => void) | undefined;
  /** What the stream held when following began has been read. */
  onCaughtUp?: (() => void) | undefined;
  /** The team does not exist yet, and `waitMs` says to wait for it. */
  onWaiting?: (() => void) | undefined;
}

/**
 * Follows a running team's trace stream from its start (`llm-teams watch`, `view --live`).
 * A team with no trace stream is a `LabError` `NO_SUCH_TEAM`.
 */
export async function followTeamTrace(
  options: FollowTeamTraceOptions,
): Promise<TraceStreamFollower> {
  const names = teamResourceNames({
    team: options.team,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
  });
  try {
    return await followTraceStream({
      nc: options.nc,
      stream: names.traceStream,
      waitForStreamMs: options.waitMs ?? 0,
      onEvents: (host, events) => options.onEvents(events, host),
      ...(options.onHostEnd ? { onHostEnd: options.onHostEnd } : {}),
      ...(options.onCaughtUp ? { onCaughtUp: options.onCaughtUp } : {}),
      ...(options.onWaiting ? { onWaitingForStream: options.onWaiting } : {}),
    });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'TRACE_STREAM_MISSING') throw err;
    throw new LabError(
      'NO_SUCH_TEAM',
      `no team ${options.team}: it has no trace stream (${names.traceStream}); is the name right and its run started on this server?`,
      { cause: err },
    );
  }
}

/** The files a trace argument names: a file itself; for a directory, its merged `trace.jsonl`
 *  when there is one, else every per-node `trace.<node>.jsonl` in it. */
export function traceFilesOf(path: string): string[] {
  if (!existsSync(path))
    throw new LabError('INVALID_ARGUMENT', `no such file or directory ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  if (existsSync(join(path, 'trace.jsonl'))) return [join(path, 'trace.jsonl')];
  const files = readdirSync(path)
    .filter((f) => /^trace\..+\.jsonl$/.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) {
    throw new LabError('INVALID_ARGUMENT', `${path} holds no trace.jsonl or trace.<node>.jsonl`);
  }
  return files;
}

/**
 * Reads one team's trace from several files or directories (`traceFilesOf`): one file as it
 * is, several merged (`mergeTraces`: every event once, each lane in its order).
 */
export async function readTraceFiles(
  paths: readonly string[],
): Promise<{ events: TraceEvent[]; files: string[] }> {
  const files = [...new Set(paths.flatMap(traceFilesOf))];
  const parts = await Promise.all(
    files.map(async (f) => ({ events: parseTrace(await readFile(f, 'utf8'), { source: f }) })),
  );
  if (parts.length === 1) return { events: parts[0]!.events, files };
  return { events: mergeTraces(parts), files };
}
