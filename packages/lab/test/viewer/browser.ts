import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Chromium is: `LLMT_CHROMIUM`, else Debian's package. */
export const CHROMIUM = process.env['LLMT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Launches headless Chromium, or fails saying how to get it (CI installs it; no skipping). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the viewer tests render pages in headless Chromium. ` +
        'Install it (apt-get install chromium) or point LLMT_CHROMIUM at a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface OpenedPage {
  page: Page;
  /** Uncaught errors and console errors the page produced. */
  errors: string[];
  /** Every request other than the page file itself (a self-contained page makes none). */
  requests: string[];
  close(): Promise<void>;
}

/** Writes the HTML to a file, opens it, and waits for the diagram's first frame. */
export async function openPage(browser: Browser, html: string): Promise<OpenedPage> {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-view-'));
  const file = join(dir, 'view.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => {
    if (r.url() !== `file://${file}`) requests.push(r.url());
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).__spaceTime?.ready === true,
    null,
    { timeout: 60_000 },
  );
  return {
    page,
    errors,
    requests,
    async close() {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the page publishes about its last frame (see client-ui.ts). */
export interface SpaceTimeDebug {
  ready: boolean;
  lanes: string[];
  drawn: {
    events: number;
    eventsByKind: Record<string, number>;
    arrows: number;
    arrowsByStyle: Record<string, number>;
    stubs: number;
    stubsByStyle: Record<string, number>;
    states: number;
    stateLabels: string[];
    spans: number;
    faults: number;
    highlighted: number;
    merged: number;
  };
  items: {
    type: string;
    style?: string;
    kind?: string;
    label?: string;
    i?: number;
    x?: number;
    y?: number;
    w?: number;
    h?: number;
    x1?: number;
    y1?: number;
    x2?: number;
    y2?: number;
  }[];
  findings: { checker: string; severity: string; verdict: string; events: number }[];
  matches: number;
  selectedFinding: number;
  selectedEvent: number;
  view: { axis: string; x0: number; x1: number; scale: number; yOff: number };
  frames: number;
  firstFrameMs: number;
  scriptMs: number;
  lastFrameMs: number;
  api: {
    drawNow(): void;
    zoomTo(a: number, b: number): void;
    fitAll(): void;
  };
}

/** The little of the page's globals the tests touch (the repo compiles without DOM types;
 *  these callbacks run in the page, so they may only refer to the page's own globals). */
export interface PageGlobals {
  __spaceTime?: SpaceTimeDebug;
  devicePixelRatio: number;
  document: {
    getElementById(id: string): {
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
      };
    };
  };
}

/** Waits until the page has drawn the frame that pending input asked for. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const raf = (
          globalThis as unknown as { requestAnimationFrame(this: void, f: () => void): void }
        ).requestAnimationFrame;
        raf(() => raf(() => resolve()));
      }),
  );
}

/** The debug object, without its functions. */
export function debugOf(page: Page): Promise<Omit<SpaceTimeDebug, 'api'>> {
  return page.evaluate(() => {
    const { api: _api, ...rest } = (globalThis as unknown as PageGlobals).__spaceTime!;
    return JSON.parse(JSON.stringify(rest)) as Omit<SpaceTimeDebug, 'api'>;
  });
}

/** RGBA of the canvas pixels in a square around (x, y) (CSS pixels). */
export function pixelsAround(page: Page, x: number, y: number, r = 2): Promise<number[][]> {
  return page.evaluate(
    ([cx, cy, rr]) => {
      const page = globalThis as unknown as PageGlobals;
      const canvas = page.document.getElementById('st-canvas');
      const dpr = page.devicePixelRatio || 1;
      const ctx = canvas.getContext('2d');
      const size = 2 * rr + 1;
      const data = ctx.getImageData(
        Math.round((cx - rr) * dpr),
        Math.round((cy - rr) * dpr),
        size,
        size,
      ).data;
      const out: number[][] = [];
      for (let k = 0; k < data.length; k += 4) out.push([data[k]!, data[k + 1]!, data[k + 2]!]);
      return out;
    },
    [x, y, r] as const,
  );
}
