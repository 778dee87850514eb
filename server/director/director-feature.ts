import { DISABLED_SCENE } from '../../shared/schemas/board.js';
import type { Board } from '../board/board.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Service } from '../services.js';
import type { EventLog } from '../state/event-log.js';
import { Director } from './director.js';
import { DirectorJournal } from './journal.js';
import { ObsController } from './obs-controller.js';

export interface Directing {
  /** None without OBS_URL. */
  director: Director | undefined;
  /** Program switches with their cause, as `director` entries of the event log. */
  journal: DirectorJournal;
  service: Service;
}

/** The OBS director when OBS_URL is set; without it, the board says the director is off. */
export function openDirector(config: Config, deps: { board: Board; events: EventLog; log: Logger; obsCallTimeoutMs?: number | undefined }): Directing {
  const { board, log } = deps;
  const journal = new DirectorJournal(deps.events, log, config.dataDir);
  const obs = config.obs;
  const director = obs
    ? new Director({
        obs: new ObsController({ url: obs.url, password: obs.password, ...(deps.obsCallTimeoutMs ? { callTimeoutMs: deps.obsCallTimeoutMs } : {}) }, log),
        board,
        config: config.shop.director,
        log,
        journal,
      })
    : undefined;
  const service: Service = {
    name: 'director',
    start: async () => {
      if (director) return director.start();
      log.info('director disabled (no OBS_URL)');
      await board.setScene(DISABLED_SCENE).catch((err: unknown) => log.warn({ err }, 'could not reset the scene state'));
    },
    close: () => director?.close(),
  };
  return { director, journal, service };
}
