import { setup } from 'xstate';
import { connectNats, startNatsServer, type NatsConnection } from '@llm-teams/broker';
import { createActorHost, createActorSigningKeys, createEnvelope, createEnvelopeSigner, encodeEnvelope, runtimeOf, type ActorHostOptions, type MessageEvent } from '@llm-teams/runtime';
const MESSAGES = 50_000, BURST = 1000;
const body = { taskId: 't07', note: 'ready' };
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));
const { keys, trusted } = createActorSigningKeys(['sender', 'receiver']);
async function tell(a: NatsConnection, b: NatsConnection, team: string, extra: Partial<ActorHostOptions> = {}, extraB: Partial<ActorHostOptions> = {}) {
  const hostA = await createActorHost({ nc: a, team, node: 'A', seed: 1, ...extra });
  const hostB = await createActorHost({ nc: b, team, node: 'B', seed: 2, ...extraB });
  let got = 0; let done!: () => void; const finished = new Promise<void>((r) => (done = r));
  await hostB.spawn('receiver', setup({ types: { events: {} as MessageEvent } }).createMachine({ on: { 'bench.msg': { actions: () => { if (++got === MESSAGES) done(); } } } }));
  const sender = await hostA.spawn('sender', setup({ types: { events: {} as { type: 'burst'; n: number } } }).createMachine({ on: { burst: { actions: ({ event, system }) => { const rt = runtimeOf(system); for (let i = 0; i < event.n; i++) rt.tell('receiver', 'bench.msg', body); } } } }));
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += BURST) { sender.send({ type: 'burst', n: BURST }); await yieldToIo(); }
  await finished;
  const dt = performance.now() - t0;
  await hostA.close(); await hostB.close();
  return Math.round((MESSAGES / dt) * 1000);
}
const server = await startNatsServer();
const a = await connectNats({ servers: server.url }); const b = await connectNats({ servers: server.url });
const sA = { signing: { keys: { sender: keys['sender']! }, trusted } };
const sB = { signing: { keys: { receiver: keys['receiver']! }, trusted } };
await tell(a, b, 'warm'); await tell(a, b, 'warm2', sA, sB);
for (let r = 0; r < 3; r++) {
  console.log(JSON.stringify({
    plain: await tell(a, b, `p${r}`),
    signed: await tell(a, b, `s${r}`, sA, sB),
    plainUnbatched: await tell(a, b, `pu${r}`, { batch: false }, { batch: false }),
    signedUnbatched: await tell(a, b, `su${r}`, { ...sA, batch: false }, { ...sB, batch: false }),
  }));
}
// micro: per frame sign + verify of one envelope
const signer = createEnvelopeSigner({ keys, trusted });
const data = encodeEnvelope(createEnvelope({ id: 'abcdefghij-1x2y', team: 'bench', from: 'sender', to: 'receiver', type: 'bench.msg', lamport: 1, seq: 1, attempt: 1, sentAt: Date.now(), body }));
let t = performance.now(); let h = signer.sign('sender', data);
for (let i = 0; i < 20000; i++) h = signer.sign('sender', data);
const signUs = ((performance.now() - t) / 20000) * 1000;
t = performance.now();
for (let i = 0; i < 20000; i++) signer.verifyEnvelope(data, h, { from: 'sender' } as never);
const verifyUs = ((performance.now() - t) / 20000) * 1000;
console.log(JSON.stringify({ signUs: signUs.toFixed(1), verifyUs: verifyUs.toFixed(1), headerBytes: 'Llmt-Sig'.length + 88 + 'Llmt-Key'.length + 56 + 8 }));
await a.close(); await b.close(); await server.close();
