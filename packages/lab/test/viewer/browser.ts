import type { Browser, Page } from 'playwright-core';
import { openHtml, type OpenedHtml } from '@llm-teams/testkit';
import type { DrawnItem, SpaceTimeDebug as PageDebug } from '../../src/viewer/space-time-debug.js';

export type OpenedPage = OpenedHtml;

/** Writes the HTML to a file, opens it, and waits for the diagram's first frame. */
export async function openPage(browser: Browser, html: string): Promise<OpenedPage> {
  const opened = await openHtml(browser, html);
  try {
    await opened.page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__spaceTime?.ready === true,
      null,
      { timeout: 60_000 },
    );
  } catch (err) {
    await opened.close();
    throw err;
  }
  return opened;
}

/** What the page publishes about its last frame, once it drew its first (on pages small
 *  enough to record their items). */
export type SpaceTimeDebug = Omit<PageDebug, 'items' | 'firstFrameMs' | 'scriptMs'> & {
  items: DrawnItem[];
  firstFrameMs: number;
  scriptMs: number;
};

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
