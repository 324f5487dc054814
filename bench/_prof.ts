import { setup } from 'xstate';
import { connectNats, startNatsServer } from '@llm-teams/broker';
import { createActorHost, runtimeOf, type MessageEvent } from '@llm-teams/runtime';
const server = await startNatsServer();
const a = await connectNats({ servers: server.url });
const b = await connectNats({ servers: server.url });
const N = 1_000_000;
const body = { taskId: 't07', note: 'ready' };
const hostA = await createActorHost({ nc: a, team: 'p', node: 'A', seed: 1 });
const hostB = await createActorHost({ nc: b, team: 'p', node: 'B', seed: 2 });
let got = 0;
let done!: () => void;
const fin = new Promise<void>((r) => (done = r));
await hostB.spawn(
  'receiver',
  setup({ types: { events: {} as MessageEvent<'bench.msg', typeof body> } }).createMachine({
    on: {
      'bench.msg': {
        actions: () => {
          if (++got === N) done();
        },
      },
    },
  }),
);
const s = await hostA.spawn(
  'sender',
  setup({ types: { events: {} as { type: 'burst'; n: number } } }).createMachine({
    on: {
      burst: {
        actions: ({ event, system }) => {
          const rt = runtimeOf(system);
          for (let i = 0; i < event.n; i++) rt.tell('receiver', 'bench.msg', body);
        },
      },
    },
  }),
);
const t0 = performance.now();
for (let i = 0; i < N; i += 1000) {
  s.send({ type: 'burst', n: 1000 });
  await new Promise((r) => setImmediate(r));
}
await fin;
console.log(Math.round((N / (performance.now() - t0)) * 1000));
await hostA.close();
await hostB.close();
await a.close();
await b.close();
await server.close();
