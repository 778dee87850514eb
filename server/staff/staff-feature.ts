import type { Board } from '../board/board.js';
import type { OrderArrivals } from '../board/order-arrivals.js';
import type { Config } from '../config.js';
import type { Credentials } from '../credentials/credentials.js';
import type { Intake } from '../ingest/intake.js';
import type { Logger } from '../log.js';
import type { EventLog } from '../state/event-log.js';
import type { HubState } from '../state/state.js';
import { StaffCommands, type StockReturn } from './commands.js';
import { FloorWatch } from './floor-watch.js';
import { LoginGuard } from './login-guard.js';
import { StaffSessions } from './sessions.js';

export interface Staff {
  sessions: StaffSessions;
  guard: LoginGuard;
  commands: StaffCommands;
  /** When each order is due, and which are late: the console's and the tracker's. */
  floor: FloorWatch;
}

/** The staff's side of the hub from the shop's config: logins, their actions on orders, the floor's timing. */
export function openStaff(
  config: Config,
  deps: {
    state: Pick<HubState, 'sessions' | 'undo'>;
    arrivals: OrderArrivals;
    credentials: Credentials;
    board: Board;
    intake: Intake;
    events: EventLog;
    returnStock: StockReturn;
    log: Logger;
    now?: (() => number) | undefined;
  },
): Staff {
  const { staff, promiseMinutes } = config.shop;
  return {
    sessions: new StaffSessions(deps.state.sessions, staff.sessionHours * 3600_000, deps.now),
    guard: new LoginGuard((pin) => deps.credentials.pinMatches(pin), { maxFailures: staff.maxFailures, lockMs: staff.lockMinutes * 60_000 }),
    commands: new StaffCommands(deps.board, deps.intake, deps.log, deps.events, deps.returnStock, { table: deps.state.undo, ms: staff.undoSeconds * 1000 }),
    floor: new FloorWatch(deps.board, { arrivals: deps.arrivals, events: deps.events }, deps.log, promiseMinutes),
  };
}
