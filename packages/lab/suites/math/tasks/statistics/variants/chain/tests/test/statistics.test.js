import { fittedProbability, normalPdf, normalProbability } from '../src/statistics.js';

test('normal density and probabilities', () => {
  near(normalPdf(0), 0.3989422804014327, 1e-15);
  near(normalProbability(-1, 1), 0.6826894921370859, 1e-9);
  near(normalProbability(-1.96, 1.96), 0.9500042097035591, 1e-9);
  near(normalProbability(0, 10, 5, 2), 0.9875806693484477, 1e-9);
});

test('fittedProbability uses the sample mean and population stddev', () => {
  near(fittedProbability([2, 4, 4, 4, 5, 5, 7, 9], 3, 7), 0.6826894921370859, 1e-9);
});
