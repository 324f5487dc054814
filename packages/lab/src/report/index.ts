// Reports: self-contained HTML pages with Chart.js inlined, for one run and for a sweep.
export {
  chartsOf,
  renderReportHtml,
  type ReportCell,
  type ReportChart,
  type ReportPage,
  type ReportSection,
  type ReportTable,
} from './report-html.js';
export { chartJsSource } from './chart-bundle.js';
export { buildRunReport, writeRunReport, type RunReportOptions } from './run-report.js';
export { buildSweepReport, writeSweepReport, type SweepReportOptions } from './sweep-report.js';
export {
  loadPaperCalibration,
  paperCalibrationPath,
  paperFigures,
  type PaperCalibration,
  type PaperFigure,
  type PaperRun,
} from './paper-figures.js';
