import { showcase, showcasePanels } from '../src/dashboard.js';

test('one panel per module, in order', () => {
  assert.deepEqual(showcasePanels().map((p) => p.title), [
    'format', 'shapes', 'path', 'transform', 'geometry', 'scale', 'ticks', 'axis', 'grid', 'bar-chart',
    'labels', 'legend', 'document', 'color', 'palette', 'heatmap', 'sparkline', 'polygons', 'pie',
  ]);
});

test('the showcase renders every module', () => {
  const svg = showcase();
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="830" height="790" viewBox="0 0 830 790">'));
  assert.equal(svg.match(/class="panel"/g).length, 19);
  for (const piece of [
    '<text x="10" y="20" font-size="12">fmt(pi) = 3.14</text>',
    '<circle cx="120" cy="30" r="20" fill="#f28e2b"/>',
    'd="M10 60 Q60 0 110 60"',
    'transform="matrix(0.87 0.5 -0.5 0.87 80 40)"',
    '>area 100, centroid 5,5</text>',
    '<circle cx="100" cy="50" r="5" fill="#59a14f"/>',
    '>0 20 40 60 80 100</text>',
    '<g class="axis axis-bottom" transform="translate(10 60)">',
    '<line x1="0" y1="80" x2="180" y2="80" stroke="#dddddd"/>',
    '<g class="bars">',
    '>the width of a panel</text>',
    '<g class="legend" transform="translate(10 10)">',
    '<rect width="100%" height="100%" fill="#eeeeee"/>',
    'fill="#800080"',
    'fill="#59a14f"/></g>',
    '<g class="heatmap">',
    '<polyline points="2,38 46,20 90,29 134,2 178,11" fill="none" stroke="black"/>',
    '<polygon points="60,10 ',
    '<g class="pie">',
  ]) {
    assert.ok(svg.includes(piece), `missing ${piece}`);
  }
  assert.equal(svg.match(/<svg/g).length, 2);
});
