#!/usr/bin/env node
// The `llm-teams` command: compiled JavaScript when installed, TypeScript sources in a checkout.
import { loadEntry } from './load-entry.js';

const { main } = await loadEntry('cli/main');
process.exitCode = await main(process.argv.slice(2));
