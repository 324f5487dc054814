import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, or `LLMT_CHROMIUM`. */
export const CHROMIUM = process.env['LLMT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Launches headless Chromium, or fails saying how to get it (CI installs it; never a skip). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the report tests render pages in headless Chromium. ` +
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

/** What the page publishes (report-html.ts) plus what the test measures on each canvas. */
export interface RenderedChart {
  id: string;
  type: string;
  datasets: number;
  points: number;
  /** Canvas pixels that are not transparent. */
  inkedPixels: number;
  canvasPixels: number;
  /** Data elements Chart.js laid out at finite coordinates. */
  placedElements: number;
}

export interface RenderedReport {
  charts: RenderedChart[];
  errors: string[];
  requests: string[];
  canvases: number;
}

interface PageGlobals {
  __report?: {
    ready: boolean;
    charts: { id: string; type: string; datasets: number; points: number }[];
    errors: string[];
  };
  Chart: {
    getChart(id: string):
      | {
          getDatasetMeta(i: number): { data: { x: number; y: number }[] };
          data: { datasets: unknown[] };
        }
      | undefined;
  };
  document: {
    querySelectorAll(sel: string): { length: number };
    getElementById(id: string): {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
      };
    };
  };
}

/** Opens the HTML from a file (as a reader would), waits for the charts, and measures them. */
export async function renderReport(browser: Browser, html: string): Promise<RenderedReport> {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const page: Page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => {
    if (r.url() !== `file://${file}`) requests.push(r.url());
  });
  try {
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__report?.ready === true,
      null,
      {
        timeout: 30_000,
      },
    );
    const measured = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const report = g.__report!;
      return {
        errors: report.errors,
        canvases: g.document.querySelectorAll('canvas').length,
        charts: report.charts.map((c) => {
          const canvas = g.document.getElementById(c.id);
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let inked = 0;
          for (let k = 3; k < data.length; k += 4) if (data[k]! > 0) inked++;
          const chart = g.Chart.getChart(c.id)!;
          let placed = 0;
          chart.data.datasets.forEach((_, i) => {
            for (const el of chart.getDatasetMeta(i).data)
              if (Number.isFinite(el.x) && Number.isFinite(el.y)) placed++;
          });
          return {
            ...c,
            inkedPixels: inked,
            canvasPixels: canvas.width * canvas.height,
            placedElements: placed,
          };
        }),
      };
    });
    return { ...measured, errors: [...errors, ...measured.errors], requests };
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
