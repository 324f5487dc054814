import { niceLinearScale } from '../src/ticks.js';

test('niceLinearScale extends the domain to nice bounds', () => {
  const { scale, ticks, step, domain } = niceLinearScale([-3.7, 48], [0, 300]);
  assert.deepEqual(domain, [-10, 50]);
  assert.deepEqual(ticks, [-10, 0, 10, 20, 30, 40, 50]);
  assert.equal(step, 10);
  assert.deepEqual([scale(-10), scale(20), scale(50)], [0, 150, 300]);
});
