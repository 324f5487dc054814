import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeDashboard, gridLayout } from '../src/dashboard.js';

test('gridLayout fills rows', () => {
  assert.deepEqual(gridLayout(4, { columns: 3, cellWidth: 100, cellHeight: 50, gap: 5 }), [
    { x: 0, y: 0 },
    { x: 105, y: 0 },
    { x: 210, y: 0 },
    { x: 0, y: 55 },
  ]);
});

test('composeDashboard sizes the document to the panels', () => {
  const svg = composeDashboard([{ title: 'A & B', body: '<circle r="3"/>' }, { title: 'two', body: '' }], { columns: 3 });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="410" height="150" viewBox="0 0 410 150">'));
  assert.ok(
    svg.includes(
      '<g class="panel" transform="translate(0 0)"><rect width="200" height="150" fill="white" stroke="#cccccc"/><text x="8" y="16" font-size="12">A &amp; B</text><g transform="translate(0 24)"><circle r="3"/></g></g>',
    ),
  );
  assert.ok(svg.includes('<g class="panel" transform="translate(210 0)">'));
  assert.equal(svg.match(/class="panel"/g).length, 2);
});

test('several rows; no panels', () => {
  const svg = composeDashboard(Array.from({ length: 5 }, (_, i) => ({ title: `p${i}`, body: '' })), { columns: 2, cellWidth: 50, cellHeight: 40, gap: 0 });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="120"'));
  assert.ok(svg.includes('<g class="panel" transform="translate(0 80)">'));
  assert.equal(composeDashboard([]), '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" viewBox="0 0 0 0"></svg>');
});
