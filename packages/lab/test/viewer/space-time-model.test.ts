import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createTraceBuilder } from '@llm-teams/runtime';
import {
  ARROW_STYLES,
  SHIVIZ_REGEX,
  SPAN_STYLES,
  STUB_STYLES,
  analyzeTrace,
  buildSpaceTimeModel,
  renderSpaceTimeHtml,
  toShiVizLog,
  type SpaceTimeModel,
} from '@llm-teams/lab';
import { showcase } from './showcase-trace.js';

const triples = (flat: number[], width: number) =>
  Array.from({ length: flat.length / width }, (_, k) => flat.slice(k * width, (k + 1) * width));

describe('space-time model', () => {
  it('turns each message into an arrow or a stub in its distinct style', () => {
    const events = showcase();
    const model = buildSpaceTimeModel(events, analyzeTrace(events).findings);
    const arrows = triples(model.arrows, 3).map(([, , s]) => ARROW_STYLES[s!]);
    expect(arrows.sort()).toEqual([
      'dead-letter',
      'duplicate',
      'message',
      'message',
      'message',
      'message',
      'message',
      'message',
      'redelivered',
      'retry',
    ]);
    const stubs = triples(model.stubs, 3).map(([s, lane, style]) => [
      events[s!]!.kind === 'send' ? (events[s!] as { type: string }).type : '?',
      model.lanes[lane!],
      STUB_STYLES[style!],
    ]);
    expect(stubs).toEqual([
      ['hop', 'w2', 'dropped'],
      ['job.run', 'w1', 'lost'],
      ['bye', 'w2', 'in-flight'],
    ]);
    const spans = triples(model.spans, 4).map(([lane, , , style]) => [
      model.lanes[lane!],
      SPAN_STYLES[style!],
    ]);
    expect(spans).toEqual([
      ['w2', 'outage'],
      ['w2', 'down'],
    ]);
    expect(model.findings.map((f) => [f.checker, f.ev.length, f.chain.length])).toEqual([
      ['delivery', 2, 3],
      ['fifo', 4, 4],
    ]);
  });

  it('keeps every field of every event, in columns or as extras', () => {
    const events = showcase();
    const model: SpaceTimeModel = buildSpaceTimeModel(events, []);
    const extras = new Map<number, Record<string, unknown>>();
    for (let k = 0; k < model.x.length; k += 2) {
      extras.set(model.x[k] as number, model.x[k + 1] as Record<string, unknown>);
    }
    const reject = events.findIndex((e) => e.kind === 'reject');
    expect(extras.get(reject)).toMatchObject({ subject: 'llmt.t.actor.w1', bytes: 64 });
    expect(model.strings[model.t[reject]!]).toBe('actor w1 is restarting');
    const send = events.findIndex((e) => e.kind === 'send');
    expect(extras.get(send)).toEqual({ to: 'w1', chanSeq: 1 });
    expect(model.l[send]).toBe(events[send]!.lamport);
    expect(model.w[send]).toBe(events[send]!.wall - model.wall0);
  });
});

describe('space-time page', () => {
  it('is one self-contained file whose data cannot break out of its script block', () => {
    const t = createTraceBuilder();
    t.mark('a', '</script><script>alert(1)</script>', { note: '<!-- x' });
    const html = renderSpaceTimeHtml(t.events, []);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<link');
    expect(html).not.toContain('<script>alert');
    const data = /<script type="application\/json" id="st-data">(.*?)<\/script>/s.exec(html)![1]!;
    const model = JSON.parse(data) as SpaceTimeModel;
    expect(model.strings).toContain('</script><script>alert(1)</script>');
  });

  it('carries a client script that parses', () => {
    const html = renderSpaceTimeHtml(showcase(), []);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    // Compiled, not run: a syntax error in the client script fails here.
    expect(() => new Script(scripts[0]!)).not.toThrow();
  });
});

describe('ShiViz export', () => {
  it("writes the regex header and, per event, a line and the host's vector clock", () => {
    const events = showcase();
    const log = toShiVizLog(events);
    const lines = log.split('\n');
    expect(lines[0]).toBe(SHIVIZ_REGEX);
    expect(lines[1]).toBe('');
    const body = lines.slice(2).join('\n');
    // The regex as ShiViz applies it (JavaScript named groups), entry after entry.
    const parser = new RegExp(SHIVIZ_REGEX, 'g');
    const entries = [...body.matchAll(parser)].map((m) => ({
      event: m.groups!['event']!,
      host: m.groups!['host']!,
      clock: JSON.parse(m.groups!['clock']!) as Record<string, number>,
    }));
    expect(entries).toHaveLength(events.length);
    // Each host's own component counts its events 1, 2, 3, ... in log order.
    const seen = new Map<string, number>();
    for (const e of entries) {
      const own = (seen.get(e.host) ?? 0) + 1;
      seen.set(e.host, own);
      expect(e.clock[e.host]).toBe(own);
    }
    // A receive's clock covers its send's.
    const send = entries.find((e) => e.event.startsWith('send hop m6'))!;
    const recv = entries.find((e) => e.event.startsWith('recv hop m6'))!;
    for (const [host, c] of Object.entries(send.clock)) {
      expect(recv.clock[host]).toBeGreaterThanOrEqual(c);
    }
    const bare = toShiVizLog(events, { header: false });
    expect(bare).toBe(log.slice(log.indexOf('\n\n') + 2));
  });
});
