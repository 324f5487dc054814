/**
 * The space-time page's script, bundled into the page by space-time-html.ts. It draws the
 * embedded model on a canvas and publishes what it drew as `window.__spaceTime`, which the
 * viewer's tests read (and drive through its `api`).
 */
import type { SpaceTimeDebug } from '../space-time-debug.js';
import { W, frame, recording, resize } from './canvas.js';
import { selectFinding } from './details.js';
import { bindCanvas } from './input.js';
import { GUTTER, layoutAxis, layoutLanes, toWorld, visibleLanes } from './layout.js';
import { D, T0, st } from './page-model.js';
import { startLive } from './live.js';
import { runSearch } from './search.js';
import { buildSidebar } from './sidebar.js';
import { drawNow, fitAll, onFrame, redraw, setKind, setLane, setType, zoomTo } from './view.js';

declare global {
  interface Window {
    __spaceTime?: SpaceTimeDebug;
  }
}

function publish(): void {
  window.__spaceTime = {
    ...window.__spaceTime,
    ready: true,
    lanes: visibleLanes.map((l) => D.lanes[l]),
    drawn: frame.drawn,
    items: recording() ? frame.items : null,
    findings: D.findings.map((f) => ({
      checker: f.checker,
      severity: f.severity,
      verdict: f.verdict,
      events: f.ev.length,
    })),
    matches: st.matches.length,
    selectedFinding: st.finding,
    selectedEvent: st.event,
    view: { axis: st.axis, x0: toWorld(GUTTER), x1: toWorld(W), scale: st.scale, yOff: st.yOff },
    frames: frame.count,
    lastFrameMs: frame.lastMs,
    api: {
      redraw,
      drawNow,
      zoomTo,
      fitAll,
      selectFinding,
      search: runSearch,
      setLane,
      setKind,
      setType,
    },
  };
}

onFrame(publish);
layoutAxis();
layoutLanes();
resize();
fitAll();
buildSidebar();
bindCanvas();
drawNow();
const published = window.__spaceTime;
if (published) {
  published.firstFrameMs = performance.now();
  published.scriptMs = performance.now() - T0;
}

// A live page (view --live) names where its updates come from.
const liveConfig = document.getElementById('st-live');
if (liveConfig) {
  startLive(JSON.parse(liveConfig.textContent ?? '{}') as { events: string }, (live) => {
    if (window.__spaceTime) window.__spaceTime.live = { ...live, history: [...live.history] };
  });
}
