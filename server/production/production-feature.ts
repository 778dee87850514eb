import type { Board } from '../board/board.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Service } from '../services.js';
import type { EventLog } from '../state/event-log.js';
import type { Leases } from '../state/leases.js';
import { Planning } from './planning.js';
import { ProductionRuns } from './production-runs.js';

export interface Production {
  runs: ProductionRuns;
  /** Listens for machine events that name a run (`batch.runId`), and plans when the planner is on. */
  service: Service;
}

/** Production runs from the shop's catalogue (docs/protocol.md, "Production runs"). */
export function openProduction(config: Config, deps: { board: Board; leases: Leases; events: EventLog; log: Logger }): Production {
  const { catalogue, planner, promiseMinutes, timeZone } = config.shop;
  const runs = new ProductionRuns(deps.board, catalogue, deps.log);
  const planning = planner.enabled
    ? new Planning(deps.board, catalogue, deps, {
        hubId: config.hubId,
        slackMinutes: planner.slackMinutes,
        promiseMinutes,
        timeZone,
        ...(planner.closesAt !== undefined && { closesAt: planner.closesAt }),
        profileDays: planner.profileDays,
      })
    : undefined;
  return {
    runs,
    service: {
      name: 'production',
      start: () => {
        deps.board.on('change', (change) => change.type === 'machine' && runs.onMachine(change.machine));
        planning?.start();
      },
      close: () => planning?.close(),
    },
  };
}
