import type { BoardChange } from '../../shared/schemas/board.js';
import { dayStart } from '../../shared/store-time.js';
import type { Board } from '../board/board.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Service } from '../services.js';
import type { EventLog } from '../state/event-log.js';
import type { Leases } from '../state/leases.js';
import { Planning } from './planning.js';
import { ProductionOutlook } from './production-outlook.js';
import { ProductionRuns } from './production-runs.js';
import { ShelfLedger } from './shelf-ledger.js';

export interface Production {
  runs: ProductionRuns;
  /** With the planner on, what runs can still make today and when the next batch comes out (the kiosk's "left today"). */
  outlook: ProductionOutlook | undefined;
  /** Listens for machine events that name a run (`batch.runId`), and plans when the planner is on. */
  service: Service;
}

function feed(ledger: ShelfLedger, change: BoardChange): void {
  if (change.type === 'order') ledger.observeOrder(change.order);
  else if (change.type === 'run') ledger.observeRun(change.run);
}

/**
 * Today's runs and orders from the event log into the ledger, so a hub restarted at noon knows the morning's trays
 * (what was made counts against the day's cap, what is on the shelf is served). Changes that arrive meanwhile wait
 * and follow, in their order, after the older ones.
 */
async function readToday(ledger: ShelfLedger, events: EventLog, from: number, log: Logger): Promise<void> {
  let read = 0;
  try {
    for await (const page of events.pages(from, Date.now())) {
      for (const e of page) {
        if (e.type === 'order' || e.type === 'run') feed(ledger, e);
        read++;
      }
    }
    log.info({ events: read }, "today's production read from the event log");
  } catch (err) {
    log.warn({ err, events: read }, "could not read today's production from the event log; the shelf starts from what this hub sees");
  }
}

/** Production runs from the shop's catalogue (docs/protocol.md, "Production runs"). */
export function openProduction(config: Config, deps: { board: Board; leases: Leases; events: EventLog; log: Logger }): Production {
  const { catalogue, planner, promiseMinutes, timeZone } = config.shop;
  const runs = new ProductionRuns(deps.board, catalogue, deps.log);
  const ledger = new ShelfLedger(new Map(catalogue.map((p) => [p.sku, p])));
  const closesAt = planner.closesAt === undefined ? {} : { closesAt: planner.closesAt };
  const planning = planner.enabled
    ? new Planning(
        deps.board,
        catalogue,
        { ...deps, ledger },
        { hubId: config.hubId, slackMinutes: planner.slackMinutes, promiseMinutes, timeZone, ...closesAt, profileDays: planner.profileDays },
      )
    : undefined;
  const outlook = planner.enabled ? new ProductionOutlook(deps.board, catalogue, ledger, { timeZone, ...closesAt }) : undefined;
  return {
    runs,
    outlook,
    service: {
      name: 'production',
      start: async () => {
        let waiting: BoardChange[] | undefined = planner.enabled ? [] : undefined;
        // The ledger hears each change before the planner and the outlook look at it.
        deps.board.on('change', (change) => {
          if (change.type === 'machine') runs.onMachine(change.machine);
          if (waiting) waiting.push(change);
          else feed(ledger, change);
        });
        if (!planner.enabled) return;
        await readToday(ledger, deps.events, dayStart(Date.now(), timeZone), deps.log);
        for (const change of waiting ?? []) feed(ledger, change);
        waiting = undefined;
        planning?.start();
        outlook?.start();
      },
      close: async () => {
        outlook?.close();
        await planning?.close();
      },
    },
  };
}
