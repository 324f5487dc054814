/**
 * System time: it serves a browser on the machine's time: pushes on an interval, throttled by what
 * a build cost.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@llm-teams/broker';
import { mergeTraces, type Finding, type TraceEvent } from '@llm-teams/runtime';
import { analyzeTrace } from '../analysis/analyze-trace.js';
import { followTeamTrace } from '../run/team-trace.js';
import { renderSpaceTimeHtml } from './space-time-html.js';
import { buildSpaceTimeModel, type SpaceTimeModel } from './space-time-model.js';

export interface LiveViewServerOptions {
  nc: NatsConnection;
  team: string;
  prefix?: string | undefined;
  /** Default 0: any free port. */
  port?: number | undefined;
  /** Default `127.0.0.1`: the page shows a team's trace, so only this machine sees it. */
  host?: string | undefined;
  /** How long to wait for the team to appear. Default 0: no such team fails at once. */
  waitMs?: number | undefined;
  /** Least time between two models pushed to the pages. Default 500; longer on a large
   *  trace, whose model takes a while to make (at least 4 times that). */
  intervalMs?: number | undefined;
  /** The server listens (with `waitMs`, before the team appears). */
  onListening?: ((url: string) => void) | undefined;
  /** The team does not exist yet, and `waitMs` says to wait for it. */
  onWaiting?: (() => void) | undefined;
}

/** One push to the pages: the whole model again (client/live.ts). */
interface LiveUpdate {
  version: number;
  model: SpaceTimeModel;
  ended: boolean;
  status?: string;
}

export interface LiveViewServer {
  readonly url: string;
  /** Resolves once the run's end (`run.end`) has been read and pushed, with its status. */
  readonly ended: Promise<{ status?: string }>;
  /** Models pushed so far, and pages connected now. */
  stats(): { version: number; events: number; clients: number };
  close(): Promise<void>;
}

/**
 * The latest run's events: a team's trace stream outlives its run, so a team name used again
 * holds several; what came after the end of the run before the last `run.start` is the latest.
 */
function latestRun(events: TraceEvent[]): TraceEvent[] {
  const isMark = (e: TraceEvent, name: string) => e.kind === 'mark' && e.name === name;
  const starts = events.filter((e) => isMark(e, 'run.start')).map((e) => e.wall);
  const last = starts.length > 0 ? Math.max(...starts) : undefined;
  if (last === undefined) return events;
  const before = events.filter((e) => isMark(e, 'run.end') && e.wall <= last).map((e) => e.wall);
  if (before.length === 0) return events;
  const cut = Math.max(...before);
  return events.filter((e) => e.wall > cut);
}

function runEnd(events: readonly TraceEvent[]): { status?: string } | undefined {
  const end = events.find((e) => e.kind === 'mark' && e.name === 'run.end');
  if (!end) return undefined;
  const status = (end as { status?: unknown }).status;
  return typeof status === 'string' ? { status } : {};
}

/**
 * Serves a page whose space-time diagram grows as a team runs (`llm-teams view --live`): it
 * follows the team's trace stream and, at most every `intervalMs`, merges what every host
 * stored, runs the checkers, and pushes the new model to every open page (server-sent events
 * on `/events`). `/` is the page with the model so far.
 */
export async function startLiveViewServer(options: LiveViewServerOptions): Promise<LiveViewServer> {
  const title = `team ${options.team} (live)`;
  const clients = new Set<ServerResponse>();
  let current: LiveUpdate | undefined;
  let events: TraceEvent[] = [];
  let findings: Finding[] = [];
  let dirty = true;
  let endedAt: { status?: string } | undefined;
  let resolveEnded: (v: { status?: string }) => void = () => undefined;
  const ended = new Promise<{ status?: string }>((r) => (resolveEnded = r));
  let follower: Awaited<ReturnType<typeof followTeamTrace>> | undefined;

  /** The model of everything read so far, made again only when something new arrived. */
  const update = (): LiveUpdate => {
    if (current && !dirty) return current;
    dirty = false;
    const parts = [...(follower?.hosts.values() ?? [])].map((h) => ({
      host: h.host,
      events: h.events,
    }));
    events = latestRun(mergeTraces(parts));
    endedAt = runEnd(events);
    findings = [];
    let analysis: Parameters<typeof buildSpaceTimeModel>[2] = {};
    try {
      const result = analyzeTrace(events);
      findings = result.findings;
      analysis = { analysis: { index: result.index, delivery: result.delivery } };
    } catch {
      // A trace cut mid-run the checkers cannot take: the diagram without findings.
    }
    current = {
      version: (current?.version ?? 0) + 1,
      model: buildSpaceTimeModel(events, findings, { title, ...analysis }),
      ended: endedAt !== undefined,
      ...(endedAt?.status !== undefined ? { status: endedAt.status } : {}),
    };
    return current;
  };

  let pushed = 0;
  let lastPush = 0;
  let buildMs = 0;
  const push = () => {
    // A trace so large that making its model takes long is updated less often, so the
    // server keeps most of its time for reading the stream and serving.
    if (Date.now() - lastPush < 4 * buildMs) return;
    const t0 = Date.now();
    const u = update();
    if (u.version === pushed) return;
    buildMs = Date.now() - t0;
    lastPush = Date.now();
    pushed = u.version;
    const frame = `event: model\ndata: ${JSON.stringify(u)}\n\n`;
    for (const res of clients) res.write(frame);
    if (u.ended) resolveEnded(endedAt ?? {});
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end('GET only\n');
    } else if (path === '/') {
      update();
      const html = renderSpaceTimeHtml(events, findings, { title, live: { events: '/events' } });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(`retry: 1000\nevent: model\ndata: ${JSON.stringify(update())}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (path === '/model.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(update()));
    } else {
      res.writeHead(404).end('not found\n');
    }
  };

  const server = createServer(handle);
  const listen = async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
    options.onListening?.(url);
    return url;
  };
  const follow = async () => {
    follower = await followTeamTrace({
      nc: options.nc,
      team: options.team,
      prefix: options.prefix,
      waitMs: options.waitMs,
      onEvents: () => (dirty = true),
      ...(options.onWaiting ? { onWaiting: options.onWaiting } : {}),
    });
  };
  let url: string;
  // Without a wait, a team that does not exist fails before anything listens; with one, the
  // page is there to open while the team starts.
  if ((options.waitMs ?? 0) === 0) {
    await follow();
    url = await listen();
  } else {
    url = await listen();
    await follow().catch(async (err: unknown) => {
      await new Promise((r) => server.close(r));
      throw err;
    });
  }
  const timer = setInterval(push, options.intervalMs ?? 500);
  return {
    url,
    ended,
    stats: () => ({ version: current?.version ?? 0, events: events.length, clients: clients.size }),
    async close() {
      clearInterval(timer);
      for (const res of clients) res.end();
      clients.clear();
      await new Promise((r) => server.close(r));
      await follower?.close();
    },
  };
}
