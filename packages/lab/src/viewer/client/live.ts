/**
 * A live page (`llm-teams view --live`): the server pushes the whole model again as the team
 * runs (server-sent events), and the page draws it, keeping the reader's filters, and the
 * view fitted to everything unless the reader zoomed or panned since. It stays connected after
 * the run's end: a team name used again shows its next run.
 */
import type { LiveState } from '../space-time-debug.js';
import type { SpaceTimeModel } from '../space-time-model.js';
import { frame } from './canvas.js';
import { byId } from './dom.js';
import { layoutAxis, layoutLanes } from './layout.js';
import { n, setModel, st } from './page-model.js';
import { runSearch } from './search.js';
import { fillSidebar } from './sidebar.js';
import { drawNow, fitAll } from './view.js';

/** What the server pushes (live-view-server.ts). */
interface LiveUpdate {
  version: number;
  model: SpaceTimeModel;
  /** The run's end was read (`run.end`), with its status. */
  ended: boolean;
  status?: string;
}

/** What the page publishes about the live updates (`window.__spaceTime.live`). */

export function startLive(config: { events: string }, publish: (live: LiveState) => void): void {
  const live: LiveState = {
    version: 0,
    updates: 0,
    events: n,
    ended: false,
    connected: false,
    history: [],
  };
  const line = byId('st-live-status');
  const say = () => {
    line.textContent = live.ended
      ? `run ended (${live.status ?? '?'}): ${live.events} events`
      : `live${live.connected ? '' : ' (reconnecting)'}: ${live.events} events`;
    publish(live);
  };
  let fitted = { x0: st.x0, scale: st.scale };
  const source = new EventSource(config.events);
  source.addEventListener('open', () => {
    live.connected = true;
    say();
  });
  source.addEventListener('error', () => {
    live.connected = false;
    say();
  });
  source.addEventListener('model', (ev) => {
    const update = JSON.parse((ev as MessageEvent<string>).data) as LiveUpdate;
    if (update.version <= live.version) return;
    const follow = st.x0 === fitted.x0 && st.scale === fitted.scale;
    setModel(update.model);
    layoutAxis();
    layoutLanes();
    fillSidebar();
    if (st.query) runSearch(st.query);
    if (follow) {
      fitAll();
      fitted = { x0: st.x0, scale: st.scale };
    }
    live.version = update.version;
    live.updates++;
    live.events = n;
    live.ended = update.ended;
    if (update.status !== undefined) live.status = update.status;
    drawNow();
    live.history.push({
      version: live.version,
      events: n,
      drawn: frame.drawn.events,
      ended: live.ended,
    });
    if (live.history.length > 200) live.history.shift();
    say();
  });
  say();
}
