/**
 * `npm run docs:bugs [-- --bug <name> --docs <dir> --runs <dir> --measure]`: writes the bug
 * zoo's pages. For each known bug it runs the shipped commands as a user would (real
 * processes): `llm-teams explore --bug <name>` with the zoo's search seed, `analyze` of the
 * shrunk run's trace (the checker's explanation), `view` (the space-time page), then renders
 * that page in headless Chromium to `<docs>/<name>.png` and writes `<docs>/<name>.md`.
 * `--measure` also searches 5 seeds without shrinking and reports the median number of
 * schedules to the first failure.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KNOWN_BUGS, type KnownBug } from '@llm-teams/lab';
import { launchChromium, runCli } from '@llm-teams/testkit';

const { values: args } = parseArgs({
  options: {
    bug: { type: 'string', multiple: true },
    docs: { type: 'string', default: 'docs/bugs' },
    runs: { type: 'string', default: 'runs/bugs' },
    measure: { type: 'boolean', default: false },
  },
});

/** The search seed of the pages (and of the zoo's test). */
const SEARCH_SEED = 'zoo';
const MEASURE_SEEDS = ['zoo-1', 'zoo-2', 'zoo-3', 'zoo-4', 'zoo-5'];

interface ExploreJson {
  schedules: number;
  perSecond: number;
  failure?: {
    index: number;
    original: { deviations: number; steps: number };
    deviations: { index: number; fallback: string; step: string; action?: string }[];
    outcome: { failures: string[]; findings: string[]; steps: number };
    replays: { reproduced: boolean }[];
  };
}

async function explore(bug: KnownBug, seed: string, extra: string[]): Promise<ExploreJson> {
  const res = await runCli([
    'explore',
    '--bug',
    bug.name,
    '--search-seed',
    seed,
    '--schedules',
    String(bug.budget),
    '--json',
    ...extra,
  ]);
  if (res.code !== 0 && res.code !== 1) {
    throw new Error(`explore --bug ${bug.name} exited ${res.code}: ${res.stderr}`);
  }
  return JSON.parse(res.stdout) as ExploreJson;
}

/** The analysis's report of the bug's own checkers: verdict, events, causal chain. */
function explanation(analysis: string, bug: KnownBug): string {
  const blocks = analysis.split(/\n(?=ERROR |WARN |\n)/);
  const mine = blocks.filter((b) => bug.checkers.some((c) => b.startsWith(`ERROR [${c}]`)));
  return mine.map((b) => b.trim()).join('\n\n');
}

async function screenshot(html: string, png: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`file://${html}`);
    // The first finding selected: the view zooms to its events and highlights them.
    await page.click('#st-findings li:nth-child(1)');
    await page.waitForFunction(() => {
      const st = (globalThis as unknown as { __spaceTime?: SpaceTimeGlobal }).__spaceTime;
      return st?.selectedFinding === 0;
    });
    await page.evaluate(() =>
      (globalThis as unknown as { __spaceTime: SpaceTimeGlobal }).__spaceTime.api.drawNow(),
    );
    await page.screenshot({ path: png });
  } finally {
    await browser.close();
  }
}

/** What the viewer page exposes for tests and tools. */
interface SpaceTimeGlobal {
  selectedFinding: number | undefined;
  api: { drawNow(): void };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The page's line on how soon each of the measure seeds' searches fails (no shrinking). */
async function measureFirstFailures(bug: KnownBug, out: string): Promise<string> {
  const firsts: number[] = [];
  for (const seed of MEASURE_SEEDS) {
    const r = await explore(bug, seed, [
      '--no-shrink',
      '--replays',
      '0',
      '--out',
      `${out}-${seed}`,
    ]);
    firsts.push(r.failure ? r.failure.index + 1 : Infinity);
  }
  // A seed that found nothing counts as more than the budget for the median.
  const shown = firsts.map((n) => (n === Infinity ? `none in ${bug.budget}` : String(n)));
  return (
    `Schedules to the first failure over search seeds ${MEASURE_SEEDS.join(', ')}: ` +
    `${shown.join(', ')} (median ${median(firsts)}).\n\n`
  );
}

async function page(bug: KnownBug, docsDir: string, runsDir: string): Promise<string> {
  const out = resolve(runsDir, bug.name);
  const found = await explore(bug, SEARCH_SEED, ['--replays', '1', '--out', out]);
  const f = found.failure;
  if (!f) throw new Error(`explore --bug ${bug.name} found nothing in ${bug.budget} schedules`);
  const trace = join(out, 'trace.jsonl');
  const analysis = await runCli(['analyze', trace]);
  const view = await runCli(['view', trace, '--title', `bug: ${bug.name}`]);
  if (view.code !== 0) throw new Error(`view failed: ${view.stderr}`);
  const png = resolve(docsDir, `${bug.name}.png`);
  await screenshot(join(out, 'trace.html'), png);
  const measured = args.measure ? await measureFirstFailures(bug, out) : '';
  const schedule =
    f.deviations
      .map(
        (d) =>
          `${String(d.index).padStart(4)}  ${d.action ? `${d.action} ` : ''}${d.step}` +
          (d.step !== d.fallback ? `   (before ${d.fallback})` : ''),
      )
      .join('\n') || '(no deviation: the default order itself fails)';
  const checker = explanation(analysis.stdout, bug) || f.outcome.findings.join('\n');
  return `# Bug: \`${bug.name}\`

${bug.description[0]!.toUpperCase()}${bug.description.slice(1)}.

${bug.story}

Found by \`llm-teams explore --bug ${bug.name}\` (checkers: ${bug.checkers.map((c) => `\`${c}\``).join(', ')}${
    bug.faults?.redeliver ? '; the search may redeliver messages' : ''
  }${bug.faults?.drop ? '; the search may drop messages' : ''}). The safe protocol passes the same
search (\`packages/lab/test/schedules/bug-zoo.int.test.ts\`).

## The shrunk schedule

Search seed \`${SEARCH_SEED}\`, ${bug.budget} schedules at most: schedule ${f.index} failed after
${f.original.steps} decisions with ${f.original.deviations} deviations from the default order;
shrunk to ${f.deviations.length} (decision index, step taken, the default it went before):

\`\`\`text
${schedule}
\`\`\`

${measured}## The checker's explanation

\`llm-teams analyze\` of the shrunk run's trace:

\`\`\`text
${checker}
\`\`\`

## The space-time picture

![space-time diagram of the shrunk run](${bug.name}.png)

## Regenerate

\`\`\`sh
npx llm-teams explore --bug ${bug.name} --search-seed ${SEARCH_SEED} --schedules ${bug.budget} --out runs/bugs/${bug.name}
npx llm-teams analyze runs/bugs/${bug.name}/trace.jsonl
npx llm-teams view runs/bugs/${bug.name}/trace.jsonl
npm run docs:bugs -- --bug ${bug.name}   # this page and its picture (headless Chromium)
\`\`\`
`;
}

const docsDir = resolve(args.docs);
const runsDir = resolve(args.runs);
await mkdir(docsDir, { recursive: true });
const chosen = args.bug ? KNOWN_BUGS.filter((b) => args.bug!.includes(b.name)) : KNOWN_BUGS;
if (args.bug && chosen.length !== args.bug.length) {
  throw new Error(
    `unknown bug in ${args.bug.join(', ')}; known: ${KNOWN_BUGS.map((b) => b.name).join(', ')}`,
  );
}
for (const bug of chosen) {
  const md = resolve(docsDir, `${bug.name}.md`);
  await writeFile(md, await page(bug, docsDir, runsDir));
  console.log(`wrote ${relative(process.cwd(), md)} and ${bug.name}.png`);
}
