import type { CliCommand } from '../cli-context.js';
import { analyzeCommand } from './analyze.js';
import { chaosCommand } from './chaos.js';
import { exploreCommand } from './explore.js';
import { replayCommand } from './replay.js';
import { nodeCommand } from './node.js';
import { downCommand, upCommand } from './up-down.js';
import { runCommand } from './run.js';
import { sweepCommand } from './sweep.js';
import { viewCommand } from './view.js';

/** Every `llm-teams` command, in help order. Add a command: one module, one line here. */
export const COMMANDS: readonly CliCommand[] = [
  runCommand,
  sweepCommand,
  analyzeCommand,
  viewCommand,
  chaosCommand,
  nodeCommand,
  upCommand,
  downCommand,
  exploreCommand,
  replayCommand,
];
