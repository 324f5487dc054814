// A thread of a schedule search, started by `explore --threads` (see load-entry.js for what it
// runs).
import { loadEntry } from './load-entry.js';

const { serveSearchThread } = await loadEntry('schedules/search-thread');
serveSearchThread();
