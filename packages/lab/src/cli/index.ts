// The `llm-teams` command line: `main(argv)` and the pieces commands are built from.
export { createProgram, main } from './main.js';
export { COMMANDS } from './commands/index.js';
export {
  EXIT,
  UsageError,
  processIo,
  type CliCommand,
  type CliContext,
  type CliIo,
  type CliState,
} from './cli-context.js';
export {
  choiceList,
  intIn,
  intList,
  natsUrlArg,
  numberIn,
  numberList,
  seedArg,
  stringList,
} from './cli-parsers.js';
