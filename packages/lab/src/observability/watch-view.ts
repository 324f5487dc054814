import type { LiveAgentState, LiveTeamSnapshot } from './live-team-state.js';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** `12.3k` tokens. */
function count(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

function agentCounts(s: LiveTeamSnapshot): Record<LiveAgentState, number> {
  const out: Record<LiveAgentState, number> = { busy: 0, idle: 0, suspected: 0, down: 0 };
  for (const a of s.agents) out[a.state]++;
  return out;
}

/** One line: what a log (or a pipe) gets at each update. */
export function watchLine(team: string, s: LiveTeamSnapshot): string {
  if (s.phase === 'waiting')
    return `team ${team}: waiting for the run to start (${s.events} events)`;
  const t = s.tasks;
  const a = agentCounts(s);
  const agents = [
    `${a.busy} busy`,
    `${a.idle} idle`,
    ...(a.suspected > 0 ? [`${a.suspected} suspected`] : []),
    ...(a.down > 0 ? [`${a.down} down`] : []),
  ].join(', ');
  const head =
    s.phase === 'ended'
      ? `team ${team} ended ${s.status ?? '?'} after ${secs(s.elapsedMs)}`
      : `team ${team} ${secs(s.elapsedMs)}`;
  return [
    head,
    `tasks ${t.done}/${t.total} done (${t.running} running, ${t.claimed} claimed, ${t.pending} pending, ${t.failed} failed)`,
    `agents ${agents}`,
    `msgs ${s.messages} (${s.messagesPerSec}/s)`,
    `retries ${s.retries + s.redeliveries}`,
    `rejects ${s.rejects}`,
    `faults ${s.faults}`,
    `tokens ${count(s.tokens.input + s.tokens.output)}`,
    ...(s.phase === 'running' ? [`ETA ${s.etaMs !== undefined ? secs(s.etaMs) : '?'}`] : []),
  ].join(' | ');
}

const BAR = 30;

/** The full-screen view a terminal gets, redrawn in place. */
export function watchScreen(team: string, s: LiveTeamSnapshot): string {
  const t = s.tasks;
  const filled = t.total === 0 ? 0 : Math.round((t.done / t.total) * BAR);
  const status =
    s.phase === 'waiting'
      ? 'waiting for the run to start'
      : s.phase === 'ended'
        ? `ended: ${s.status ?? '?'}${s.reason ? ` (${s.reason})` : ''}`
        : `running, ETA ${s.etaMs !== undefined ? secs(s.etaMs) : '?'}`;
  const a = agentCounts(s);
  const lines = [
    `llm-teams watch: team ${team}, ${status}, ${secs(s.elapsedMs)} elapsed`,
    '',
    `tasks   [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${t.done}/${t.total} done`,
    `        ${t.running} running, ${t.claimed} claimed, ${t.pending} pending, ${t.failed} failed`,
    `agents  ${a.busy} busy, ${a.idle} idle, ${a.suspected} suspected, ${a.down} down`,
    ...s.agents.map((g) =>
      `        ${g.id.padEnd(10)} ${g.state.padEnd(9)} ${g.task ?? ''}`.trimEnd(),
    ),
    `msgs    ${s.messages} sent, ${s.messagesPerSec}/s; ${s.retries} retries, ${s.redeliveries} redeliveries, ${s.rejects} rejects`,
    `faults  ${s.faults}`,
    `model   ${s.llmCalls} calls, ${count(s.tokens.input)} in / ${count(s.tokens.output)} out tokens`,
    `trace   ${s.events} events from ${s.nodes} node(s)`,
  ];
  return lines.join('\n') + '\n';
}
