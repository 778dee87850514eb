import type { Board } from '../board/board.js';
import type { OrderArrivals } from '../board/order-arrivals.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Service } from '../services.js';
import type { EventLog } from '../state/event-log.js';
import type { Leases } from '../state/leases.js';
import { LedgerFeed } from './ledger-feed.js';
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

/** Production runs from the shop's catalogue (docs/protocol.md, "Production runs"). */
export function openProduction(config: Config, deps: { board: Board; arrivals: OrderArrivals; leases: Leases; events: EventLog; log: Logger }): Production {
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
  const outlook = planner.enabled
    ? new ProductionOutlook(deps.board, catalogue, ledger, { timeZone, ...closesAt, ready: () => fed?.ready === true, log: deps.log })
    : undefined;
  const fed = planner.enabled
    ? new LedgerFeed(deps.board, ledger, {
        events: deps.events,
        log: deps.log,
        timeZone,
        // The planner and the kiosk's outlook count on the ledger: they start once today is read, and look again after
        // each later read (a board reload).
        onRead: (first) => {
          if (first) {
            planning?.start();
            outlook?.start();
          } else outlook?.refresh();
        },
      })
    : undefined;
  return {
    runs,
    outlook,
    service: {
      name: 'production',
      start: () => {
        deps.board.on('change', (change) => change.type === 'machine' && runs.onMachine(change.machine));
        fed?.start();
      },
      close: async () => {
        await fed?.close();
        outlook?.close();
        await planning?.close();
      },
    },
  };
}
