import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  amdahlBound,
  buildRunReport,
  buildSweepReport,
  chartsOf,
  renderReportHtml,
  summarizeSweep,
  type TaskSpan,
} from '@llm-teams/lab';
import { fakeRecord } from '../sweep/synthetic-records.js';
import { launchChromium } from '@llm-teams/testkit';
import { renderReport, type RenderedReport } from './report-browser.js';

function sweepRecords() {
  const records = [];
  for (const p of [0.9, 0.5, 0.2]) {
    for (const arch of ['centralized', 'decentralized'] as const) {
      for (let n = 1; n <= 5; n++) {
        for (const seed of ['1-r0', '1-r1']) {
          const jitter = seed === '1-r0' ? 1 : 1.08;
          const eff = arch === 'centralized' ? 0.95 : 0.8;
          records.push(
            fakeRecord({
              suite: 'math',
              p,
              arch,
              n,
              seed,
              makespanMs: (100_000 * jitter) / (n === 1 ? 1 : amdahlBound(p, n) * eff),
              spanMs: 100_000 * (1 - p),
              tokens: 50_000 * (1 + 0.03 * (n - 1)),
              messages: { 'task.assign': 20, 'task.done': arch === 'centralized' ? 20 : 20 * n },
              conflicts: { refusedCas: arch === 'decentralized' ? n - 1 : 0 },
              stragglerFraction: n === 1 ? 0 : 0.1 * (arch === 'centralized' ? 2 : 1),
            }),
          );
        }
      }
    }
  }
  return records;
}

function expectDrawn(rendered: RenderedReport, ids: readonly string[]) {
  expect(rendered.errors).toEqual([]);
  expect(rendered.requests).toEqual([]);
  expect(rendered.canvases).toBe(ids.length);
  expect(rendered.charts.map((c) => c.id)).toEqual(ids);
  for (const c of rendered.charts) {
    expect(c.datasets, c.id).toBeGreaterThan(0);
    expect(c.points, c.id).toBeGreaterThan(0);
    expect(c.placedElements, c.id).toBeGreaterThan(0);
    // Axes, labels and data: a drawn chart inks a visible share of its canvas.
    expect(c.inkedPixels / c.canvasPixels, c.id).toBeGreaterThan(0.01);
  }
}

describe('reports render in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sweep report: speedup vs n with both bounds per p, tokens vs speedup, conflicts, stragglers', async () => {
    const page = buildSweepReport(summarizeSweep(sweepRecords()));
    const ids = chartsOf(page).map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'chart-speedup-p09',
        'chart-speedup-p05',
        'chart-speedup-p02',
        'chart-tokens-speedup',
        'chart-conflicts',
        'chart-straggler',
      ]),
    );
    const speedup = chartsOf(page).find((c) => c.id === 'chart-speedup-p05')!;
    const labels = (speedup.config.data.datasets as { label: string }[]).map((d) => d.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'centralized',
        'decentralized',
        'work-span bound min(n, T1/T∞)',
        'Amdahl bound (p = 0.50)',
        'paper centralized (claude-sonnet-4-6)',
      ]),
    );
    const html = renderReportHtml(page);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expectDrawn(await renderReport(browser, html), ids);
  });

  it('run report: timeline, busy/idle, tokens, messages, conflicts', async () => {
    const record = fakeRecord({ n: 2, makespanMs: 300_000 });
    record.metrics.agents = [
      {
        id: 'a1',
        busyModelMs: 250_000,
        idleModelMs: 50_000,
        tasksDone: 2,
        lastDoneModelMs: 300_000,
      },
      {
        id: 'a2',
        busyModelMs: 200_000,
        idleModelMs: 100_000,
        tasksDone: 1,
        lastDoneModelMs: 200_000,
      },
    ];
    record.result.usage.teams = {
      t: {
        totals: record.result.usage.run,
        agents: {
          a1: { ...record.result.usage.run, inputTokens: 9000, outputTokens: 2000 },
          a2: { ...record.result.usage.run, inputTokens: 7000, outputTokens: 1500 },
        },
      },
    };
    const spans: TaskSpan[] = [
      {
        actor: 'a1',
        taskId: 't1',
        startModelMs: 0,
        endModelMs: 100_000,
        outcome: 'done',
        backup: false,
      },
      {
        actor: 'a1',
        taskId: 't3',
        startModelMs: 100_000,
        endModelMs: 300_000,
        outcome: 'done',
        backup: false,
      },
      {
        actor: 'a2',
        taskId: 't2',
        startModelMs: 0,
        endModelMs: 50_000,
        outcome: 'fail',
        backup: false,
      },
      {
        actor: 'a2',
        taskId: 't2',
        startModelMs: 50_000,
        endModelMs: 200_000,
        outcome: 'done',
        backup: false,
      },
    ];
    const page = buildRunReport(record, { spans });
    const ids = chartsOf(page).map((c) => c.id);
    expect(ids).toEqual([
      'chart-timeline',
      'chart-busy',
      'chart-tokens',
      'chart-messages',
      'chart-conflicts',
    ]);
    expectDrawn(await renderReport(browser, renderReportHtml(page)), ids);
  });

  it('a report with no finished runs still opens, with empty charts and no errors', async () => {
    const page = buildSweepReport(
      summarizeSweep([fakeRecord({ n: 2, makespanMs: 1, status: 'failed' })]),
    );
    const rendered = await renderReport(browser, renderReportHtml(page));
    expect(rendered.errors).toEqual([]);
    expect(rendered.charts.length).toBe(chartsOf(page).length);
  });
});
