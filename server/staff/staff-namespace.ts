import type { Server } from 'socket.io';
import { apiError } from '../../shared/errors.js';
import { STAFF_NAMESPACE } from '../../shared/protocol.js';
import type { ConsoleState } from '../../shared/schemas/staff.js';
import type { ScreenRegistry } from '../screens/registry.js';
import type { FloorWatch } from './floor-watch.js';
import type { StaffSessions } from './sessions.js';
import type { Alerts } from '../insight/alerts.js';
import type { Insight } from '../insight/insight.js';
import type { Metrics } from '../metrics.js';
import type { PublicAddress } from '../ordering/public-address.js';
import { guardFlood } from '../realtime/flood-guard.js';
import { refusal } from '../realtime/refusal.js';
import { typedNamespace, type StaffNamespace } from '../realtime/typed-namespace.js';

/** Last-seen times and session expiry are refreshed at least this often. */
const REFRESH_MS = 5_000;
/** Bursts of board changes become one console update. */
const COALESCE_MS = 250;

export interface StaffNamespaceDeps {
  sessions: StaffSessions;
  floor: FloorWatch;
  screens: ScreenRegistry;
  insight: Insight;
  alerts: Alerts;
  metrics: Metrics;
  publicAddress: PublicAddress;
}

type SharedState = Omit<ConsoleState, 'who'>;

/**
 * The console's live state, for staff only: the handshake must carry a valid
 * session cookie, and a socket whose session has ended is told so and dropped.
 */
export function attachStaffNamespace(io: Server, deps: StaffNamespaceDeps): { close(): void } {
  const nsp = typedNamespace(io, STAFF_NAMESPACE);
  requireSession(nsp, deps.sessions);
  const state = () => consoleState(deps);
  const updates = coalesce(COALESCE_MS, () => void pushConsoles(nsp, deps.sessions, state));
  nsp.on('connection', (socket) => {
    guardFlood(socket, deps.metrics, 'staff');
    void state().then((s) => socket.emit('console', { ...s, who: socket.data.who }));
  });
  deps.floor.onChange(updates.soon);
  deps.alerts.onChange(updates.soon);
  deps.publicAddress.onChange(updates.soon);
  deps.screens.onChange(updates.soon);
  const refresh = setInterval(updates.soon, REFRESH_MS);
  refresh.unref();
  return {
    close: () => {
      clearInterval(refresh);
      updates.cancel();
    },
  };
}

/** Lets in only a handshake whose cookie names a live session, and keeps who it is on the socket. */
function requireSession(nsp: StaffNamespace, sessions: StaffSessions): void {
  nsp.use((socket, next) => {
    sessions.fromCookie(socket.handshake.headers.cookie).then(
      (session) => {
        if (!session) return next(refusal('unauthorized: log in at /staff', apiError('unauthorized', {}, 'log in at /staff')));
        socket.data.who = session.who;
        next();
      },
      // Not 'unauthorized': the store cannot say now, and the console must keep trying, not log out.
      () => next(refusal('unavailable: sessions cannot be checked now', apiError('store_unavailable', {}, 'sessions cannot be checked now'))),
    );
  });
}

/** What every console shows alike; each socket adds its own `who`. */
async function consoleState(deps: StaffNamespaceDeps): Promise<SharedState> {
  return {
    dueAt: deps.floor.dueTimes(),
    late: deps.floor.late(),
    finished: deps.floor.finished(),
    screens: await deps.screens.list().catch(() => []),
    figures: deps.insight.figures(),
    series: deps.insight.series(),
    alerts: deps.alerts.active(),
    warnings: deps.publicAddress.warnings(),
  };
}

/** Sends the state to this hub's consoles, rechecking each one's session: an ended one is told so and dropped. */
async function pushConsoles(nsp: StaffNamespace, sessions: StaffSessions, state: () => Promise<SharedState>): Promise<void> {
  const sockets = await nsp.local.fetchSockets();
  if (sockets.length === 0) return;
  const shared = await state();
  for (const socket of sockets) {
    // While the store cannot say, the console stays: an outage logs nobody out.
    const session = await sessions.fromCookie(socket.handshake.headers.cookie).catch(() => 'unknown' as const);
    if (!session) {
      socket.emit('ended');
      socket.disconnect(true);
      continue;
    }
    socket.emit('console', { ...shared, who: socket.data.who });
  }
}

/** Runs `run` once, `ms` after the first of any number of `soon()` calls. */
function coalesce(ms: number, run: () => void): { soon: () => void; cancel: () => void } {
  let pending: NodeJS.Timeout | undefined;
  return {
    soon: () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        run();
      }, ms);
    },
    cancel: () => clearTimeout(pending),
  };
}
