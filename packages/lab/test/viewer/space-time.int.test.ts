import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { analyzeTrace, renderSpaceTimeHtml } from '@llm-teams/lab';
import { launchChromium } from '@llm-teams/testkit';
import {
  debugOf,
  openPage,
  pixelsAround,
  type OpenedPage,
  settle,
  type PageGlobals,
} from './browser.js';
import { showcase } from './showcase-trace.js';
import { syntheticTrace } from './synthetic-trace.js';

describe('space-time diagram in headless Chromium', () => {
  let browser: Browser;
  let opened: OpenedPage;
  const events = showcase();
  const analysis = analyzeTrace(events);

  beforeAll(async () => {
    browser = await launchChromium();
    opened = await openPage(browser, renderSpaceTimeHtml(events, analysis.findings));
  });
  afterAll(async () => {
    await opened?.close();
    await browser?.close();
  });

  it('is self-contained and draws lanes, every message style, states, faults and spans', async () => {
    const { page, errors, requests } = opened;
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const d = await debugOf(page);
    expect(d.lanes).toEqual(['lead', 'w1', 'w2', '@n1']);
    expect(d.drawn.arrowsByStyle).toEqual({
      message: 6,
      retry: 1,
      duplicate: 1,
      redelivered: 1,
      'dead-letter': 1,
    });
    expect(d.drawn.stubsByStyle).toEqual({ dropped: 1, lost: 1, 'in-flight': 1 });
    expect(new Set(d.drawn.stateLabels)).toEqual(new Set(['idle', 'working', 'busy', 'waiting']));
    expect(d.drawn.faults).toBe(3);
    const spans = d.items.filter((i) => i.type === 'span').map((i) => i.style);
    expect(spans.sort()).toEqual(['down', 'outage']);
    expect(d.findings.map((f) => f.checker)).toEqual(['delivery', 'fifo']);
  });

  it('paints what it says it drew: a red cross for the drop, red shade for the outage', async () => {
    const { page } = opened;
    const d = await debugOf(page);
    const drop = d.items.find((i) => i.type === 'stub' && i.style === 'dropped')!;
    const cross = await pixelsAround(page, drop.x2!, drop.y2!, 2);
    expect(cross.some(([r, g, b]) => r! > 150 && g! < 110 && b! < 110)).toBe(true);
    const outage = d.items.find((i) => i.type === 'span' && i.style === 'outage')!;
    const [shade] = await pixelsAround(page, outage.x! + outage.w! / 2, outage.y! + 3, 0);
    expect(shade![0]).toBeGreaterThan(shade![1]! + 15);
    const lane = d.items.find((i) => i.type === 'event' && i.kind === 'fault')!;
    const mark = await pixelsAround(page, lane.x!, lane.y!, 1);
    expect(mark.some(([r, g]) => r! > 150 && g! < 110)).toBe(true);
  });

  it('links findings to their events: a click zooms to them and highlights them', async () => {
    const { page } = opened;
    await page.click('#st-findings li:nth-child(2)');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__spaceTime!.selectedFinding === 1,
    );
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__spaceTime!.api.drawNow());
    const d = await debugOf(page);
    expect(d.findings[1]!.verdict).toMatch(/^lead processed hop/);
    expect(d.drawn.highlighted).toBe(4);
    const details = await page.textContent('#st-details');
    expect(details).toContain('[fifo] lead processed hop');
    expect(d.view.x1 - d.view.x0).toBeLessThan(40);
    await page.click('#st-fit');
    await settle(page);
  });

  it('filters by actor and by message type, and searches', async () => {
    const { page } = opened;
    const before = await debugOf(page);
    expect(before.drawn.arrows).toBe(10);
    await page.uncheck('#st-lanes input[data-name="w2"]');
    await page.waitForFunction(
      () => !(globalThis as unknown as PageGlobals).__spaceTime!.lanes.includes('w2'),
    );
    const noW2 = await debugOf(page);
    expect(noW2.lanes).toEqual(['lead', 'w1', '@n1']);
    // w2 had the retry, both copies of the note, and the job and its redelivery.
    expect(noW2.drawn.arrows).toBe(5);
    expect(noW2.items.some((i) => i.type === 'event' && i.y === undefined)).toBe(false);
    await page.check('#st-lanes input[data-name="w2"]');
    await page.uncheck('#st-types input[data-name="hop"]');
    await page.waitForFunction(
      (n) => (globalThis as unknown as PageGlobals).__spaceTime!.drawn.arrows < n,
      before.drawn.arrows,
    );
    const noHop = await debugOf(page);
    expect(noHop.drawn.arrowsByStyle['retry']).toBeUndefined();
    expect(noHop.drawn.stubsByStyle['dropped']).toBeUndefined();
    await page.check('#st-types input[data-name="hop"]');
    await page.fill('#st-search', 'job.run');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__spaceTime!.matches > 0,
    );
    const found = await debugOf(page);
    // Three sends, three receives, and the state change the job caused.
    expect(found.matches).toBe(7);
    expect(await page.textContent('#st-count')).toBe('7 found');
    await page.press('#st-search', 'Enter');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__spaceTime!.selectedEvent >= 0,
    );
    await page.fill('#st-search', '');
    await page.click('#st-fit');
    await settle(page);
  });

  it('zooms with the wheel, pans by dragging, and switches to wall-clock time', async () => {
    const { page } = opened;
    const before = await debugOf(page);
    await page.mouse.move(600, 200);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(
      (s) => (globalThis as unknown as PageGlobals).__spaceTime!.view.scale > s * 1.5,
      before.view.scale,
    );
    const zoomed = await debugOf(page);
    await page.mouse.down();
    await page.mouse.move(400, 200, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(
      (x0) => (globalThis as unknown as PageGlobals).__spaceTime!.view.x0 > x0,
      zoomed.view.x0,
    );
    await page.selectOption('#st-axis', 'wall');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__spaceTime!.view.axis === 'wall',
    );
    const wall = await debugOf(page);
    expect(wall.drawn.arrows).toBe(before.drawn.arrows);
    expect(opened.errors).toEqual([]);
  });
});

describe('space-time diagram at 100,000 events', () => {
  it('renders its first frame and then frames of the visible window quickly', async () => {
    const events = syntheticTrace({ events: 100_000, actors: 12, seed: 7 });
    let t0 = performance.now();
    const analysis = analyzeTrace(events);
    const analyzeMs = performance.now() - t0;
    t0 = performance.now();
    const html = renderSpaceTimeHtml(events, analysis.findings, {
      analysis: { index: analysis.index, delivery: analysis.delivery },
    });
    const renderMs = performance.now() - t0;
    const browser = await launchChromium();
    try {
      t0 = performance.now();
      const opened = await openPage(browser, html);
      const openMs = performance.now() - t0;
      const { page } = opened;
      const first = await debugOf(page);
      const frames = await page.evaluate(() => {
        const st = (globalThis as unknown as PageGlobals).__spaceTime!;
        const out: Record<string, number> = {};
        st.api.drawNow();
        out['fullView'] = st.lastFrameMs;
        const mid = (st.view.x0 + st.view.x1) / 2;
        st.api.zoomTo(mid, mid + 80);
        st.api.drawNow();
        out['zoomedIn'] = st.lastFrameMs;
        out['zoomedInArrows'] = st.drawn.arrows;
        st.api.zoomTo(mid - 2000, mid + 2000);
        st.api.drawNow();
        out['midZoom'] = st.lastFrameMs;
        return out;
      });
      const figures = {
        events: events.length,
        htmlMB: +(html.length / 1e6).toFixed(1),
        analyzeMs: Math.round(analyzeMs),
        renderHtmlMs: Math.round(renderMs),
        openToReadyMs: Math.round(openMs),
        firstFrameSinceNavigationMs: Math.round(first.firstFrameMs),
        scriptToFirstFrameMs: Math.round(first.scriptMs),
        fullViewFrameMs: Math.round(frames['fullView']!),
        midZoomFrameMs: Math.round(frames['midZoom']!),
        zoomedInFrameMs: Math.round(frames['zoomedIn']!),
        drawnAtFullView: first.drawn.events,
      };
      console.log('space-time diagram, 100k events:', JSON.stringify(figures));
      expect(opened.errors).toEqual([]);
      expect(first.drawn.events).toBeGreaterThan(1000);
      expect(frames['zoomedInArrows']).toBeGreaterThan(0);
      // Generous bounds: they catch a page that stalls, not a slow machine.
      expect(first.scriptMs).toBeLessThan(20_000);
      expect(frames['fullView']).toBeLessThan(5_000);
      await opened.close();
    } finally {
      await browser.close();
    }
  });
});
