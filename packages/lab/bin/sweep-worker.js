#!/usr/bin/env node
// A sweep worker process (forked by the sweep's worker pool): TypeScript sources run through tsx.
import { register } from 'tsx/esm/api';

register();
const { serveSweepWorker } = await import('../src/sweep/sweep-worker.ts');
serveSweepWorker();
