/**
 * `npm run bench:explore [-- --schedules 300 --threads 2 --concurrency 32 --warmup 100 --json]`:
 * how many controlled schedules a second `explore` checks on the tiny suite with 5 agents, per
 * team architecture, on one embedded nats-server, in-process controller, `--concurrency`
 * schedules at once per thread (default: explore's), searching on `--threads` threads
 * (default: one per core; 1: the main thread alone). Also the CPU each schedule costs this
 * process (every thread) and the server (user + system), which is what limits throughput on a
 * small machine.
 *
 * A benchmark, not a test: it prints figures and never fails on them.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { startNatsServer } from '@llm-teams/broker';
import {
  closeSearchThreads,
  connectForSchedules,
  exploreSchedules,
  loadSuite,
  preferYoungGarbage,
  scheduleTeamSchema,
  SCHEDULE_ARCHITECTURES,
  SEARCH_CONCURRENCY,
  type ScheduleArchitecture,
} from '@llm-teams/lab';

const { values: args } = parseArgs({
  options: {
    schedules: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: String(SEARCH_CONCURRENCY) },
    threads: { type: 'string', default: String(availableParallelism()) },
    warmup: { type: 'string', default: '100' },
    arch: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

/** CPU ms (user + system) of a process so far, from /proc. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

// The benchmark owns its process: the V8 setting `llm-teams explore` runs with.
preferYoungGarbage();
const server = await startNatsServer();
const nc = await connectForSchedules(server.url);
const suite = await loadSuite({ suite: 'tiny', p: 0.5 });
const schedules = Number(args.schedules);
const threadCount = Number(args.threads);
const threads = threadCount > 0 ? { threads: { count: threadCount, url: server.url } } : {};
const archs = (args.arch?.split(',') ??
  SCHEDULE_ARCHITECTURES.filter((a) => a !== 'single')) as ScheduleArchitecture[];
const results: Record<string, unknown> = {};
const teamOf = (arch: ScheduleArchitecture) =>
  scheduleTeamSchema.parse({
    suite: 'tiny',
    p: 0.5,
    arch,
    agents: 5,
    model: 'sim:gpt-5.2',
    seed: '1',
  });
try {
  // A warm-up (`--warmup` schedules per thread) of every architecture on every thread before
  // any is measured: module loading, JIT and the heap growing to its working size are not
  // what a search costs. Warmed up alone before its measure, the architecture measured first
  // ran 20-40% slower than when measured second.
  for (const arch of archs) {
    await exploreSchedules({
      nc,
      suite,
      team: teamOf(arch),
      seed: 'warm',
      schedules: Number(args.warmup) * Math.max(1, threadCount),
      ...threads,
      shrink: false,
    });
  }
  for (const arch of archs) {
    const team = teamOf(arch);
    const cpu0 = process.cpuUsage();
    const server0 = processCpuMs(server.pid!);
    const r = await exploreSchedules({
      nc,
      suite,
      team,
      seed: 'bench',
      schedules,
      concurrency: Number(args.concurrency),
      ...threads,
      shrink: false,
    });
    const cpu = process.cpuUsage(cpu0);
    const figures = {
      schedulesPerSec: Number(r.perSecond.toFixed(1)),
      threads: threadCount,
      schedules: r.schedules,
      meanDecisions: Math.round(r.meanSteps),
      inconclusive: r.inconclusive,
      failed: r.failure !== undefined,
      nodeCpuMsPerSchedule: Number(((cpu.user + cpu.system) / 1000 / r.schedules).toFixed(1)),
      serverCpuMsPerSchedule: Number(
        ((processCpuMs(server.pid!) - server0) / r.schedules).toFixed(1),
      ),
    };
    results[arch] = figures;
    if (!args.json) {
      console.log(
        `${arch.padEnd(14)} ${figures.schedulesPerSec} schedules/s (${figures.schedules} schedules, ${threadCount} threads, ` +
          `${figures.meanDecisions} decisions each); CPU per schedule: node ${figures.nodeCpuMsPerSchedule} ms, ` +
          `nats-server ${figures.serverCpuMsPerSchedule} ms`,
      );
    }
  }
} finally {
  await closeSearchThreads();
  await nc.close();
  await server.close();
}
if (args.json) console.log(JSON.stringify(results, null, 2));
