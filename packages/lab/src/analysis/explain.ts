import type { EventRef, Finding, TraceEvent, TraceIndex, VectorClocks } from '@llm-teams/runtime';
import type { AnalysisResult, AnalysisSummary } from './analyze-trace.js';

/** One line for one event, the way findings and the viewer show it. */
export function describeEvent(e: TraceEvent): string {
  switch (e.kind) {
    case 'send': {
      const retry = e.attempt > 1 ? ` attempt ${e.attempt}` : '';
      const channel = [e.chanSeq !== undefined ? `seq ${e.chanSeq}` : '', e.mode ?? ''];
      const about = (channel.filter(Boolean).join(', ') + retry).trim();
      return `send ${e.type} ${e.msgId} -> ${e.to}${about ? ` (${about})` : ''}`;
    }
    case 'recv': {
      const flags = [
        (e.attempt ?? 1) > 1 ? `attempt ${e.attempt}` : '',
        e.dup ? 'duplicate, not processed' : '',
        e.redelivered ? 'redelivered' : '',
        e.unhandled ? 'unhandled' : '',
      ].filter(Boolean);
      const seq = e.chanSeq !== undefined ? [`seq ${e.chanSeq}`] : [];
      const about = [...seq, ...flags].join(', ');
      return `recv ${e.type} ${e.msgId} <- ${e.from}${about ? ` (${about})` : ''}`;
    }
    case 'state':
      return `state ${e.from || '(start)'} -> ${e.to}${e.event !== undefined ? ` on ${e.event}` : ''}`;
    case 'llm':
      return `llm ${e.model} ${e.inputTokens}/${e.outputTokens} tokens ${e.latencyMs} ms ${e.outcome ?? ''}`.trimEnd();
    case 'tool': {
      const path = e.path !== undefined ? ` ${e.path}` : '';
      const rev =
        e.rev !== undefined
          ? ` rev ${e.baseRev !== undefined ? `${e.baseRev} -> ` : ''}${e.rev}`
          : e.baseRev !== undefined
            ? ` on rev ${e.baseRev}`
            : '';
      const task = typeof e['taskId'] === 'string' ? ` for ${e['taskId']}` : '';
      return `tool ${e.name}${path}${rev}${task}: ${e.outcome}`;
    }
    case 'task':
      return `task ${e.taskId} ${e.phase}`;
    case 'fault': {
      const msg = typeof e['msgId'] === 'string' ? ` ${e['msgId']}` : '';
      const side = typeof e['side'] === 'string' ? ` (${e['side']} side)` : '';
      return `fault ${e.fault}${msg}${side}`;
    }
    case 'reject':
      return `reject${e.msgId !== undefined ? ` ${e.msgId}` : ''}: ${e.reason}`;
    case 'late':
      return `late ${e.type} ${e.msgId} <- ${e.from}${e.status !== undefined ? ` (actor ${e.status})` : ''}`;
    case 'mark': {
      const { kind: _k, actor: _a, node: _n, seq: _s, lamport: _l, wall: _w, name, ...rest } = e;
      const more = JSON.stringify(rest);
      const detail =
        more === '{}' ? '' : ' ' + (more.length > 120 ? more.slice(0, 117) + '...' : more);
      return `mark${name !== undefined ? ` ${name}` : ''}${detail}`;
    }
  }
}

const refName = (r: EventRef) => `${r.actor}#${r.seq}`;

/** How one step of a causal chain leads to the next. */
function relation(
  index: TraceIndex,
  clocks: VectorClocks | undefined,
  x: number,
  y: number,
): string {
  const ex = index.events[x]!;
  const ey = index.events[y]!;
  if (ex.actor === ey.actor) return `then, on ${ex.actor}`;
  if (index.sendOf[y] === x && ey.kind === 'recv') return `message ${ey.msgId} to ${ey.actor}`;
  if (clocks?.crossCauses(y).includes(x)) {
    return ex.kind === 'tool' && ex.path !== undefined
      ? `${ey.actor} read revision ${ex.rev} of ${ex.path}`
      : `causes`;
  }
  return 'then';
}

export interface RenderFindingsOptions {
  /** Show at most this many findings. Default: all. */
  max?: number;
}

/**
 * Findings as text, each explained like Elle explains an anomaly: the verdict, the events
 * involved, then the causal chain step by step, or why there is none.
 */
export function renderFindingsText(
  result: Pick<AnalysisResult, 'findings' | 'summary' | 'index'> & { clocks?: VectorClocks },
  options: RenderFindingsOptions = {},
): string {
  const { findings, summary, index } = result;
  const lines = [headline(summary)];
  const shown = findings.slice(0, options.max ?? findings.length);
  const line = (r: EventRef) => {
    const i = index.find(r);
    const e = i === undefined ? undefined : index.events[i];
    return e
      ? `${refName(r).padEnd(14)} L${String(e.lamport).padEnd(6)} ${describeEvent(e)}`
      : `${refName(r)} (not in the trace)`;
  };
  for (const f of shown) {
    lines.push('', `${f.severity.toUpperCase()} [${f.checker}] ${f.verdict}`, '  events:');
    for (const r of f.events) lines.push(`    ${line(r)}`);
    if (f.chain && f.chain.length > 0) {
      lines.push('  causal chain:');
      f.chain.forEach((r, k) => {
        if (k > 0) {
          const x = index.find(f.chain![k - 1]!);
          const y = index.find(r);
          const how =
            x !== undefined && y !== undefined ? relation(index, result.clocks, x, y) : 'then';
          lines.push(`      | ${how}`);
        }
        lines.push(`    ${line(r)}`);
      });
    }
    if (f.noChain) lines.push(`  no causal chain: ${f.noChain}`);
  }
  if (shown.length < findings.length)
    lines.push('', `... and ${findings.length - shown.length} more`);
  return lines.join('\n') + '\n';
}

function headline(s: AnalysisSummary): string {
  const verdict =
    s.errors === 0 && s.warnings === 0
      ? 'no anomalies'
      : `${s.errors} errors, ${s.warnings} warnings`;
  const d = s.delivery;
  return (
    `${s.events} events, ${s.actors} actors, ${s.messages} messages ` +
    `(${d.delivered} delivered, ${d.dropped} dropped by faults, ${d['dead-lettered']} dead-lettered, ${d.late} late, ` +
    `${d['in-flight']} in flight at the end, ${d.lost} lost): ${verdict}`
  );
}

/** The machine-readable report: summary and findings, without the in-memory indexes. */
export function analysisToJson(result: Pick<AnalysisResult, 'findings' | 'summary'>): {
  summary: AnalysisSummary;
  findings: Finding[];
} {
  return { summary: result.summary, findings: result.findings };
}
