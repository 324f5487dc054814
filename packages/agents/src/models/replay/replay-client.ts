import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@llm-teams/runtime';
import { waitModelTime } from '../call-pipeline.js';
import { ModelError } from '../model-error.js';
import type {
  AttemptReport,
  ModelCallOptions,
  ModelClient,
  ModelRequest,
  ModelResponse,
} from '../model-types.js';
import type { PriceTable } from '../price-table.js';
import type { UsageLedger } from '../usage-ledger.js';
import {
  describeDivergence,
  parseCassette,
  requestDigest,
  type CassetteRecord,
} from './cassette.js';

export interface ReplayClientOptions {
  file: string;
  clock: Clock;
  /** Real wait per recorded model ms. Default 0: replays are instant. */
  timeScale?: number;
  team: string;
  onAttempt?: (report: AttemptReport) => void;
  ledger?: UsageLedger;
  prices: PriceTable;
}

/**
 * Reads a cassette, failing with `CASSETTE_UNREADABLE` before any call is made. A directory is
 * the cassettes in it (`*.jsonl`) together: a run's and those of its nodes (`run --record`,
 * `node --record`), each holding other members' calls; a call recorded twice is refused.
 */
export function loadCassette(file: string): CassetteRecord[] {
  if (isDirectory(file)) return loadCassetteDir(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ModelError('CASSETTE_UNREADABLE', `Cannot read cassette ${file}`, { cause });
  }
  try {
    return parseCassette(text, file);
  } catch (cause) {
    throw new ModelError('CASSETTE_UNREADABLE', (cause as Error).message, { cause });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function loadCassetteDir(dir: string): CassetteRecord[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  if (files.length === 0)
    throw new ModelError(
      'CASSETTE_UNREADABLE',
      `Cassette directory ${dir} holds no *.jsonl cassette`,
    );
  const seen = new Map<string, string>();
  const all: CassetteRecord[] = [];
  for (const f of files) {
    for (const r of loadCassette(join(dir, f))) {
      const key = `${r.key.agentId}#${r.key.callIndex}`;
      const first = seen.get(key);
      if (first !== undefined)
        throw new ModelError(
          'CASSETTE_UNREADABLE',
          `Cassettes ${first} and ${f} in ${dir} both hold call ${r.key.callIndex} of ${r.key.agentId}: one run's cassettes only`,
        );
      seen.set(key, f);
      all.push(r);
    }
  }
  return all;
}

/**
 * `replay:<file>`: answers each agent's n-th call with the n-th call recorded for that agent,
 * after checking the request is the recorded one. The recorded attempts are reported again,
 * so a replayed run's trace has the same `llm` events; usage goes through the ledger (and its
 * budget) as in the recorded run.
 */
export function createReplayClient(options: ReplayClientOptions): ModelClient {
  const records = new Map<string, CassetteRecord>();
  const perAgent = new Map<string, number>();
  for (const r of loadCassette(options.file)) {
    records.set(`${r.key.agentId}#${r.key.callIndex}`, r);
    perAgent.set(r.key.agentId, (perAgent.get(r.key.agentId) ?? 0) + 1);
  }
  const callCounts = new Map<string, number>();
  const inFlight = new Set<AbortController>();
  const id = `replay:${options.file}`;
  let closed = false;

  async function call(
    request: ModelRequest,
    callOptions: ModelCallOptions = {},
  ): Promise<ModelResponse> {
    const agentId = request.metadata?.agentId ?? 'default';
    const callIndex = callCounts.get(agentId) ?? 0;
    callCounts.set(agentId, callIndex + 1);
    const where = `${id}: agent ${agentId}, call #${callIndex}`;
    if (closed) throw new ModelError('ABORTED', `${where}: the model client is closed`);
    const record = records.get(`${agentId}#${callIndex}`);
    const mismatch = (why: string): never => {
      options.onAttempt?.({
        model: record?.model ?? id,
        agentId,
        callIndex,
        attempt: 1,
        outcome: 'replay_mismatch',
        inputTokens: 0,
        outputTokens: 0,
        latencyMs: 0,
        error: why,
      });
      throw new ModelError('REPLAY_MISMATCH', `${where} diverged from the recording: ${why}`);
    };
    if (record === undefined) {
      return mismatch(
        `the recording has ${perAgent.get(agentId) ?? 0} calls for this agent, not call #${callIndex}`,
      );
    }
    if (requestDigest(record.model, request) !== record.digest) {
      return mismatch(describeDivergence(record.request, request));
    }
    const usage = record.response?.usage ?? { inputTokens: 0, outputTokens: 0 };
    const reservation = options.ledger?.reserve({
      model: record.model,
      team: options.team,
      agentId,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
    });
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    callOptions.signal?.addEventListener('abort', onAbort, { once: true });
    inFlight.add(controller);
    try {
      const latencyMs =
        record.response?.latencyMs ?? record.attempts.reduce((t, a) => t + a.latencyMs, 0);
      const waited = await waitModelTime(
        options.clock,
        latencyMs,
        options.timeScale ?? 0,
        controller.signal,
      );
      if (!waited || callOptions.signal?.aborted === true)
        throw new ModelError('ABORTED', `${where}: aborted`);
      for (const a of record.attempts) options.onAttempt?.(a);
      if (record.error !== undefined || record.response === undefined) {
        const e = record.error ?? {
          code: 'INVALID_RESPONSE' as const,
          message: 'recorded call has no response',
          attempts: 0,
        };
        throw new ModelError(e.code, `${e.message} (replayed)`, { attempts: e.attempts });
      }
      const r = record.response;
      const costUsd =
        reservation?.commit({
          model: record.model,
          team: options.team,
          agentId,
          ...(request.metadata?.taskId === undefined ? {} : { taskId: request.metadata.taskId }),
          callIndex,
          usage: r.usage,
          latencyMs: r.latencyMs,
          attempts: r.attempts,
        }) ?? options.prices.cost(record.model, r.usage);
      return { ...r, costUsd };
    } finally {
      reservation?.release();
      inFlight.delete(controller);
      callOptions.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    id,
    call,
    close() {
      closed = true;
      for (const c of inFlight) c.abort();
      inFlight.clear();
      return Promise.resolve();
    },
  };
}
