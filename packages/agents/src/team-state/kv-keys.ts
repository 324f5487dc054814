import { soleWriterKeys, type KV } from '@llm-teams/broker';

/** What `listKeys` reads of nats.js's KV implementation (its `Bucket` class). */
interface BucketView {
  jsm?: {
    streams: {
      info(
        name: string,
        opts: { subjects_filter: string },
      ): Promise<{ state: { subjects?: Record<string, number> } }>;
    };
  };
  stream?: string;
  prefixLen?: number;
  subjectForKey?(key: string): string;
  decodeKey?(key: string): string;
}

/**
 * The keys of a bucket that match `filter`. `kv.keys` runs an ordered consumer (several round
 * trips and a consumer created on the server, milliseconds); with `fast`, one stream-info
 * request lists the subjects of the bucket's stream instead (sorted; a key whose last
 * operation is a delete is listed too, so callers read each key and skip those); a bucket
 * only this process writes (`soleWriterKv`) lists them without a request.
 */
export async function listKeys(kv: KV, filter: string, fast = false): Promise<string[]> {
  const mirrored = fast ? soleWriterKeys(kv, filter) : undefined;
  if (mirrored) return mirrored;
  const b = kv as unknown as BucketView;
  if (fast && b.jsm && b.stream && b.subjectForKey && b.decodeKey && b.prefixLen) {
    const info = await b.jsm.streams.info(b.stream, { subjects_filter: b.subjectForKey(filter) });
    return Object.keys(info.state.subjects ?? {}).map((s) => b.decodeKey!(s.slice(b.prefixLen)));
  }
  const out: string[] = [];
  for await (const k of await kv.keys(filter)) out.push(k);
  return out;
}
