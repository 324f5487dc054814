import { mkdirSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isModelError } from '../model-error.js';
import type { AttemptReport, ModelCallOptions, ModelClient, ModelRequest } from '../model-types.js';
import {
  CASSETTE_VERSION,
  requestDigest,
  summarizeRequest,
  type CassetteRecord,
} from './cassette.js';

export interface CassetteRecorder {
  /** Feed every attempt report of the wrapped client here (its `onAttempt`). */
  onAttempt(report: AttemptReport): void;
  /** The wrapped client: same calls, each one also written to the cassette. */
  wrap(client: ModelClient): ModelClient;
}

/**
 * Writes a cassette while a client runs: one line per call, appended in the order calls settle
 * (replay matches by key, not by line). Starts the file afresh; `close()` of the wrapped client
 * waits for the last line.
 */
export function createCassetteRecorder(file: string): CassetteRecorder {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  const attempts = new Map<string, AttemptReport[]>();
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const write = (record: CassetteRecord) => {
    writes = writes
      .then(() => appendFile(file, `${JSON.stringify(record)}\n`))
      .catch((error: unknown) => {
        writeError ??= error;
      });
  };

  return {
    onAttempt(report) {
      const key = `${report.agentId}#${report.callIndex}`;
      const list = attempts.get(key) ?? [];
      list.push(report);
      attempts.set(key, list);
    },
    wrap(client) {
      const callCounts = new Map<string, number>();
      return {
        id: client.id,
        async call(request: ModelRequest, options?: ModelCallOptions) {
          const agentId = request.metadata?.agentId ?? 'default';
          const callIndex = callCounts.get(agentId) ?? 0;
          callCounts.set(agentId, callIndex + 1);
          const key = `${agentId}#${callIndex}`;
          const base = {
            v: CASSETTE_VERSION,
            key: { agentId, callIndex },
            request: summarizeRequest(request),
          };
          const taken = () => {
            const list = attempts.get(key) ?? [];
            attempts.delete(key);
            return list;
          };
          try {
            const response = await client.call(request, options);
            const model = response.model;
            write({
              ...base,
              model,
              digest: requestDigest(model, request),
              attempts: taken(),
              response,
            });
            return response;
          } catch (error) {
            const list = taken();
            const model = list[0]?.model ?? client.id;
            write({
              ...base,
              model,
              digest: requestDigest(model, request),
              attempts: list,
              error: isModelError(error)
                ? { code: error.code, message: error.message, attempts: error.attempts }
                : { code: 'INVALID_RESPONSE', message: String(error), attempts: list.length },
            });
            throw error;
          }
        },
        async close() {
          await client.close();
          await writes;
          if (writeError !== undefined) {
            throw new Error(`Cannot write cassette ${file}`, { cause: writeError });
          }
        },
      };
    },
  };
}
