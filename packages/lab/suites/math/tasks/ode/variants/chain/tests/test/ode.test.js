import { backwardEuler } from '../src/ode.js';

test('backwardEuler matches the closed form of the implicit recurrence', () => {
  near(last(backwardEuler((_, y) => -y, 1, 0, 1, 10))[1], 1.1 ** -10, 1e-9);
});

test('backwardEuler is stable on a stiff problem where euler blows up', () => {
  const implicit = last(backwardEuler((_, y) => -1000 * y, 1, 0, 1, 10))[1];
  const explicit = last(euler((_, y) => -1000 * y, 1, 0, 1, 10))[1];
  assert.ok(implicit > 0 && implicit < 1e-10, `implicit ${implicit}`);
  assert.ok(Math.abs(explicit) > 1e10, `explicit ${explicit}`);
});
