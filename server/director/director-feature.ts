import { DISABLED_SCENE } from '../../shared/schemas/board.js';
import type { Board } from '../board/board.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Service } from '../services.js';
import type { EventLog } from '../state/event-log.js';
import type { Metrics } from '../metrics.js';
import type { DisplayConfig } from '../../shared/schemas/display.js';
import { Director } from './director.js';
import { Highlighting } from './highlighting.js';
import { DirectorJournal } from './journal.js';
import { ObsController } from './obs-controller.js';
import { logStreamLive } from './stream-live-log.js';

export interface Directing {
  /** None without OBS_URL. */
  director: Director | undefined;
  /** Highlight clips from OBS's replay buffer; none without OBS_URL. */
  highlighting: Highlighting | undefined;
  /** Program switches with their cause, as `director` entries of the event log. */
  journal: DirectorJournal;
  service: Service;
}

/** The OBS director when OBS_URL is set; without it, the board says the director is off. */
export function openDirector(
  config: Config,
  deps: { board: Board; events: EventLog; log: Logger; metrics: Metrics; display: DisplayConfig; obsCallTimeoutMs?: number | undefined },
): Directing {
  const { board, log } = deps;
  const journal = new DirectorJournal(deps.events, log, config.dataDir);
  const obsUrl = config.obs;
  const obs = obsUrl
    ? new ObsController({ url: obsUrl.url, password: obsUrl.password, ...(deps.obsCallTimeoutMs ? { callTimeoutMs: deps.obsCallTimeoutMs } : {}) }, log)
    : undefined;
  const directorConfig = config.shop.director;
  const highlighting = obs
    ? new Highlighting({
        obs,
        board,
        config: directorConfig,
        events: deps.events,
        log,
        metrics: deps.metrics,
        text: deps.display.text,
        timeZone: config.shop.timeZone,
      })
    : undefined;
  const director = obs ? new Director({ obs, board, config: directorConfig, log, journal, ...(highlighting ? { highlighting } : {}) }) : undefined;
  if (director) logStreamLive(director.health, deps.events, log);
  const service: Service = {
    name: 'director',
    start: async () => {
      if (director) {
        // Today's highlights first, and the replay buffer following OBS before the director connects to it.
        await highlighting?.start();
        return director.start();
      }
      log.info('director disabled (no OBS_URL)');
      await board.setScene(DISABLED_SCENE).catch((err: unknown) => log.warn({ err }, 'could not reset the scene state'));
    },
    close: async () => {
      highlighting?.close();
      await director?.close();
    },
  };
  return { director, highlighting, journal, service };
}
