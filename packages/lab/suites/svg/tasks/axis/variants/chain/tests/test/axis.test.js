import { axisFor } from '../src/axis.js';

test('axisFor places nice ticks along the range', () => {
  const axis = axisFor([0, 9.5], [0, 200], 'bottom');
  assert.deepEqual(axis.domain, [0, 10]);
  assert.deepEqual(axis.ticks.map((t) => [t.value, t.position, t.label]), [[0, 0, '0'], [2, 40, '2'], [4, 80, '4'], [6, 120, '6'], [8, 160, '8'], [10, 200, '10']]);
  assert.equal(axis.svg.match(/<line/g).length, 7);
  assert.ok(axis.svg.includes('<text x="200" y="18" text-anchor="middle" font-size="10">10</text>'));
});

test('a flipped left axis', () => {
  const axis = axisFor([0, 1], [100, 0], 'left', { translate: [40, 10] });
  assert.deepEqual(axis.ticks.map((t) => t.label), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  assert.equal(axis.ticks[5].position, 0);
  assert.ok(axis.svg.startsWith('<g class="axis axis-left" transform="translate(40 10)"><line x1="0" y1="0" x2="0" y2="100" stroke="black"/>'));
});
