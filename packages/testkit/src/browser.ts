/**
 * Headless Chromium for tests of pages the project writes (viewer, report): Debian's package
 * driven through playwright-core, which ships no browser of its own. playwright-core is loaded
 * on first launch, so tests that never open a page do not pay for it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** Where Chromium is: `LLMT_CHROMIUM`, else Debian's package. */
export const CHROMIUM = process.env['LLMT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Launches headless Chromium, or fails saying how to get it (CI installs it; no skipping). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: these tests render pages in headless Chromium. ` +
        'Install it (apt-get install chromium) or point LLMT_CHROMIUM at a Chromium binary.',
    );
  }
  const { chromium } = await import('playwright-core');
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

export interface OpenedHtml {
  page: Page;
  /** Uncaught errors and console errors the page produced. */
  errors: string[];
  /** Every request other than the page file itself (a self-contained page makes none). */
  requests: string[];
  /** Closes the page and removes its file. */
  close: () => Promise<void>;
}

export interface OpenHtmlOptions {
  /** Default 1400 x 800. */
  viewport?: { width: number; height: number };
}

/** Writes `html` to a file and opens it, as a reader opens a page saved to disk. */
export async function openHtml(
  browser: Browser,
  html: string,
  options: OpenHtmlOptions = {},
): Promise<OpenedHtml> {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-page-'));
  const file = join(dir, 'page.html');
  writeFileSync(file, html);
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1400, height: 800 },
  });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => {
    if (r.url() !== `file://${file}`) requests.push(r.url());
  });
  const close = async () => {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await page.goto(`file://${file}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { page, errors, requests, close };
}
