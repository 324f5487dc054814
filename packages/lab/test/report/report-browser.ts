import type { Browser } from 'playwright-core';
import { openHtml } from '@llm-teams/testkit';

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
  const { page, errors, requests, close } = await openHtml(browser, html, {
    viewport: { width: 1400, height: 1000 },
  });
  try {
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
    await close();
  }
}
