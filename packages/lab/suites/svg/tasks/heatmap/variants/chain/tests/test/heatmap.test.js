import { heatmapDocument } from '../src/heatmap.js';

test('heatmapDocument colours cells along a sequential palette', () => {
  const doc = heatmapDocument([[0, 5, 10], [10, 5, 0]], { title: 'load' });
  assert.ok(doc.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40" viewBox="0 0 60 40"><title>load</title><g class="heatmap">'));
  assert.equal(doc.match(/fill="#ffffff"/g).length, 2);
  assert.equal(doc.match(/fill="#08306b"/g).length, 2);
  assert.equal(doc.match(/fill="#8498b5"/g).length, 2);
});
