// The space-time diagram: a self-contained HTML page, and ShiViz's log format.
export {
  ARROW_STYLES,
  EVENT_KINDS,
  SPAN_STYLES,
  STUB_STYLES,
  buildSpaceTimeModel,
  type SpaceTimeModel,
  type SpaceTimeModelOptions,
} from './space-time-model.js';
export {
  renderSpaceTimeHtml,
  writeSpaceTimeHtml,
  type SpaceTimeHtmlOptions,
  type WriteSpaceTimeOptions,
} from './space-time-html.js';
export { SHIVIZ_REGEX, toShiVizLog, type ShiVizLogOptions } from './shiviz-log.js';
