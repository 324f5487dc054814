import { absoluteArea } from '../src/integration.js';

test('absoluteArea splits at the roots', () => {
  near(absoluteArea(Math.sin, 0, 2 * Math.PI), 4, 1e-8);
  near(absoluteArea((x) => x, -1, 1), 1, 1e-12);
  near(absoluteArea((x) => x * x - 1, -2, 2), 4, 1e-9);
});

test('absoluteArea equals the integral when f does not change sign', () => {
  near(absoluteArea(Math.exp, 0, 1), Math.E - 1, 1e-9);
});
