import type { KvEntry } from '@llm-teams/broker';

export const bytes = (s: string) => new TextEncoder().encode(s);

/** What a read shows a caller: two reads that must agree are compared in this. */
export const shown = (e: KvEntry | null) =>
  e && {
    key: e.key,
    revision: e.revision,
    operation: e.operation,
    value: new TextDecoder().decode(e.value),
  };
