#!/usr/bin/env node
// The `llm-teams` command: compiled JavaScript when installed, TypeScript sources in a checkout.
import { loadEntry } from './load-entry.js';

const { main, preferYoungGarbage } = await loadEntry('cli/main');
// This process is the command's: explore's schedules cost less CPU without V8's
// allocation-site pretenuring, a setting of the whole process that only its owner may change.
if (process.argv[2] === 'explore') preferYoungGarbage();
process.exitCode = await main(process.argv.slice(2));
