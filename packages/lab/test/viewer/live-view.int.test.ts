import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrace } from '@llm-teams/runtime';
import {
  argv,
  launchChromium,
  runCli,
  spawnCli,
  startNatsFixture,
  tempDir,
  until,
  type NatsFixture,
} from '@llm-teams/testkit';

interface LiveState {
  version: number;
  events: number;
  ended: boolean;
  status?: string;
  connected: boolean;
  history: { version: number; events: number; drawn: number; ended: boolean }[];
}
interface PageGlobals {
  __spaceTime?: { ready: boolean; lanes: string[]; drawn: { events: number }; live?: LiveState };
}

describe('llm-teams view --live: a page whose space-time diagram grows as the team runs', () => {
  let nats: NatsFixture;
  let browser: Browser;
  const out = tempDir('llmt-live-view-');
  beforeAll(async () => {
    nats = await startNatsFixture();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await nats?.close();
    out.cleanup();
  });

  it('draws events while the run is going, and the whole run once it ends', async () => {
    const view = spawnCli(argv`view --live --team livepage --nats ${nats.url} --wait-ms 120000`);
    try {
      await until(
        'the page is served',
        () => /http:\/\/127\.0\.0\.1:\d+\//.test(view.output().stdout),
        60_000,
      );
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(view.output().stdout)![0];
      const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      // Open before the team exists: an empty diagram, connected for updates.
      await page.waitForFunction(
        () => (globalThis as unknown as PageGlobals).__spaceTime?.live?.connected === true,
      );
      // Paced so that the run lasts several of the page's half-second updates on an idle
      // machine too (at 0.004 it could end before the first one).
      const run = spawnCli(argv`run --nats ${nats.url} --team-name livepage --suite tiny
        --agents 2 --seed 7 --time-scale 0.05 --out ${join(out.dir, 'run')} --quiet`);
      await page.waitForFunction(
        () => (globalThis as unknown as PageGlobals).__spaceTime?.live?.ended === true,
        null,
        { timeout: 120_000 },
      );
      const ran = await run.exited;
      expect(ran.code, ran.stderr).toBe(0);
      const st = await page.evaluate(() => (globalThis as unknown as PageGlobals).__spaceTime!);
      const live = st.live!;
      expect(live.status).toBe('completed');
      // Updates while the run went: events drawn before its end, more with each update.
      const during = live.history.filter((h) => !h.ended && h.events > 0);
      expect(during.length, JSON.stringify(live.history)).toBeGreaterThan(0);
      expect(during.every((h) => h.drawn > 0)).toBe(true);
      const counts = live.history.map((h) => h.events);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      // The end: every event of the run's own trace, drawn.
      const trace = parseTrace(readFileSync(join(out.dir, 'run', 'trace.jsonl'), 'utf8'));
      expect(live.events).toBe(trace.length);
      expect(counts.at(-1)).toBe(trace.length);
      expect(st.drawn.events).toBeGreaterThan(0);
      expect(st.lanes).toEqual(expect.arrayContaining(['director', 'a1', 'a2']));
      expect(await page.textContent('#st-live-status')).toMatch(/run ended \(completed\)/);
      expect(errors).toEqual([]);
      await page.close();
      await until('the server says the run ended', () =>
        view.output().stdout.includes('team livepage ended completed'),
      );
    } finally {
      view.kill('SIGINT');
    }
    const stopped = await view.exited;
    expect(stopped.code, stopped.stderr).toBe(0);
  });

  it('says clearly when there is no such team', async () => {
    const none = await runCli(argv`view --live --team nosuchteam --nats ${nats.url}`);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no team nosuchteam: it has no trace stream/);
    const both = await runCli(argv`view --live trace.jsonl --team x --nats ${nats.url}`);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--live shows a running team/);
  });
});
