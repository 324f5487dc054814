import { maxSimulationError, simulateLogistic } from '../src/growth.js';

test('simulateLogistic follows the closed form', () => {
  const trajectory = simulateLogistic(10, 0.5, 100, 10, 100);
  assert.equal(trajectory.length, 101);
  assert.deepEqual(trajectory[0], [0, 10]);
  near(trajectory[100][1], logistic(10, 0.5, 100, 10), 1e-6);
  assert.ok(trajectory.every(([, p], i) => i === 0 || p > trajectory[i - 1][1]));
});

test('the simulation error shrinks with the step', () => {
  const coarse = maxSimulationError(10, 0.5, 100, 10, 10);
  const fine = maxSimulationError(10, 0.5, 100, 10, 100);
  assert.ok(fine < coarse / 1000, `coarse ${coarse}, fine ${fine}`);
});
