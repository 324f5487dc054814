import { innerJoin } from './join.js';

export function summarizeJoined(facts, dimension, key, by, spec) {
  return aggregate(innerJoin(facts, dimension, key), by, spec);
}
