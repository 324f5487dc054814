/**
 * A non-LLM actor pipeline: source -> parse -> enrich -> sink, each a plain xstate machine.
 * Records travel at least once (JetStream), so a dropped or duplicated message, or a stage
 * restarted from its checkpoint, changes nothing: the sink counts each record once and ends
 * the run when it has them all.
 */
import { assign, setup } from 'xstate';
import { defineTeam, runtimeOf, tell, type MessageEvent } from '@llm-teams/agents';

const READINGS = [
  'berlin,12.5',
  'lagos,31.0',
  'lima,18.25',
  'oslo,-3.5',
  'perth,24.0',
  'quito,14.75',
  'tokyo,16.5',
  'vienna,9.0',
];

interface Raw {
  seq: number;
  line: string;
}
interface Parsed {
  seq: number;
  city: string;
  celsius: number;
}
interface Enriched extends Parsed {
  fahrenheit: number;
}

/** Sends every reading once the run starts. */
const source = setup({
  types: { events: {} as MessageEvent<'pipeline.start', unknown> },
}).createMachine({
  on: {
    'pipeline.start': {
      actions: ({ system }) => {
        const rt = runtimeOf(system);
        READINGS.forEach((line, seq) =>
          rt.tell('parse', 'record.raw', { seq, line } satisfies Raw),
        );
      },
    },
  },
});

const parse = setup({ types: { events: {} as MessageEvent<'record.raw', Raw> } }).createMachine({
  on: {
    'record.raw': {
      actions: tell('enrich', 'record.parsed', ({ event }) => {
        const { seq, line } = (event as MessageEvent<'record.raw', Raw>).body;
        const [city = '', value = 'NaN'] = line.split(',');
        return { seq, city, celsius: Number(value) } satisfies Parsed;
      }),
    },
  },
});

const enrich = setup({
  types: { events: {} as MessageEvent<'record.parsed', Parsed> },
}).createMachine({
  on: {
    'record.parsed': {
      actions: tell('sink', 'record.enriched', ({ event }) => {
        const r = (event as MessageEvent<'record.parsed', Parsed>).body;
        return { ...r, fahrenheit: Math.round((r.celsius * 9) / 5 + 32) } satisfies Enriched;
      }),
    },
  },
});

/** Keeps each record once (by sequence number) and ends the run with all of them. */
const sink = setup({
  types: {
    context: {} as { rows: Record<number, Enriched> },
    events: {} as MessageEvent<'record.enriched', Enriched>,
  },
}).createMachine({
  context: { rows: {} },
  on: {
    'record.enriched': {
      actions: [
        assign({
          rows: ({ context, event }) => ({ ...context.rows, [event.body.seq]: event.body }),
        }),
        ({ context, system }) => {
          const rows = Object.values(context.rows);
          if (rows.length !== READINGS.length) return;
          const warmest = rows.reduce((a, b) => (b.celsius > a.celsius ? b : a));
          runtimeOf(system).tell('director', 'team.done', {
            result: { records: rows.length, warmest: warmest.city },
          });
        },
      ],
    },
  },
});

export default defineTeam({
  name: 'pipeline',
  description: 'source -> parse -> enrich -> sink, no model at all',
  members: {
    source: { logic: source },
    parse: { logic: parse },
    enrich: { logic: enrich },
    sink: { logic: sink },
  },
  reliable: ['record.raw', 'record.parsed', 'record.enriched'],
  start: [{ to: 'source', type: 'pipeline.start' }],
});
