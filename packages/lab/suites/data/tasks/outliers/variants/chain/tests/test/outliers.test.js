import { spikes } from '../src/outliers.js';

test('spikes finds the unusual jumps', () => {
  const series = [100, 101, 102, 103, 104, 208, 210, 212, 214, 216];
  assert.deepEqual(spikes(series), [5]);
  assert.deepEqual(spikes([100, 100, 100]), []);
});
