#!/usr/bin/env node
// A sweep worker process, forked by the sweep's worker pool (see load-entry.js for what it runs).
import { loadEntry } from './load-entry.js';

const { serveSweepWorker } = await loadEntry('sweep/sweep-worker');
serveSweepWorker();
