import type { Board } from '../board/board.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Service } from '../services.js';
import { ProductionRuns } from './production-runs.js';

export interface Production {
  runs: ProductionRuns;
  /** Listens for machine events that name a run (`batch.runId`). */
  service: Service;
}

/** Production runs from the shop's catalogue (docs/protocol.md, "Production runs"). */
export function openProduction(config: Config, deps: { board: Board; log: Logger }): Production {
  const runs = new ProductionRuns(deps.board, config.shop.catalogue, deps.log);
  return {
    runs,
    service: {
      name: 'production',
      start: () => deps.board.on('change', (change) => change.type === 'machine' && runs.onMachine(change.machine)),
    },
  };
}
