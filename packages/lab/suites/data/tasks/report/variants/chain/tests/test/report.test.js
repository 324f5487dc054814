import { forecastTable } from '../src/report.js';

test('forecastTable compares three baselines', () => {
  assert.equal(
    forecastTable([10, 20, 30, 40], 2, 2),
    [
      '| step | naive | seasonal | trend |',
      '| ---: | ---: | ---: | ---: |',
      '| 1.00 | 40.00 | 30.00 | 50.00 |',
      '| 2.00 | 40.00 | 40.00 | 60.00 |',
    ].join('\n'),
  );
});
