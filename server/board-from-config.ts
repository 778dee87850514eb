import { Board } from './board/board.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { HubState } from './state/state.js';

/** The hub's board over its state's store, with the shop's time-outs. */
export function boardOf(config: Config, state: HubState, log: Logger, metrics: Metrics): Board {
  const { staleOrderHours: stale } = config.shop.board;
  return new Board(state.board, log, metrics, {
    readyTimeoutMs: config.shop.readyTimeoutMinutes * 60_000,
    staleMs: { queued: stale.queued * 3600_000, in_production: stale.in_production * 3600_000 },
    sweepIntervalMs: config.sweepIntervalMs,
  });
}
