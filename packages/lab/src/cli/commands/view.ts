import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { parseTrace } from '@llm-teams/runtime';
import { toShiVizLog, writeSpaceTimeHtml } from '../../viewer/index.js';
import { UsageError, type CliCommand, type CliContext } from '../cli-context.js';

interface ViewFlags {
  out?: string;
  title?: string;
  axis: 'lamport' | 'wall';
  shiviz?: boolean;
}

async function viewAction(trace: string, flags: ViewFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const file = resolve(io.cwd, trace);
  if (!existsSync(file)) throw new UsageError(`<trace>: no such file ${file}`);
  const dir = flags.out !== undefined ? resolve(io.cwd, flags.out) : dirname(file);
  const stem = basename(file).replace(/\.jsonl?$/, '');
  const page = resolve(dir, `${stem}.html`);
  const stats = await writeSpaceTimeHtml(file, page, {
    axis: flags.axis,
    ...(flags.title !== undefined ? { title: flags.title } : {}),
  });
  io.stdout(`wrote ${page} (${stats.events} events, ${stats.findings} findings)\n`);
  if (flags.shiviz) {
    const log = resolve(dir, `${stem}.shiviz.log`);
    await writeFile(log, toShiVizLog(parseTrace(await readFile(file, 'utf8'))));
    io.stdout(`wrote ${log}\n`);
  }
}

export const viewCommand: CliCommand = {
  name: 'view',
  register(program: Command, ctx: CliContext) {
    program
      .command('view')
      .description('Render a trace as a space-time diagram: one self-contained HTML page.')
      .argument('<trace>', 'a trace.jsonl')
      .option(
        '--out <dir>',
        "output directory (default: the trace's directory); writes <trace>.html",
      )
      .option('--title <text>', 'page title')
      .addOption(
        new Option('--axis <axis>', 'initial time axis')
          .choices(['lamport', 'wall'])
          .default('lamport'),
      )
      .option('--shiviz', 'also write <trace>.shiviz.log for ShiViz')
      .action((trace: string, flags: ViewFlags) => viewAction(trace, flags, ctx));
  },
};
