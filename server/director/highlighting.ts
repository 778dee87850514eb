import type { DirectorConfig, DirectorStatus } from '../../shared/schemas/director.js';
import type { Run } from '../../shared/schemas/run.js';
import type { StoreText } from '../../shared/schemas/text.js';
import type { TimeZone } from '../../shared/store-time.js';
import { Translator } from '../../shared/text/translator.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { EventLog } from '../state/event-log.js';
import { ClipSaver, type ClipCause } from './clip-saver.js';
import { highlightOrders } from './highlight-orders.js';
import { HighlightWebhook, highlightMessage } from './highlight-webhook.js';
import { Highlights } from './highlights.js';
import type { ObsController } from './obs-controller.js';
import { ReplayBuffer } from './replay-buffer.js';
import type { FiredRule } from './scene-rules.js';

/**
 * Highlights, put together: the replay buffer kept running, clips saved when a rule with `clip` fires or
 * someone asks, today's list with thumbnails, and the social team's webhook.
 */
export class Highlighting {
  readonly buffer: ReplayBuffer;
  readonly store: Highlights;
  readonly saver: ClipSaver;
  #board: Board;
  #webhook: HighlightWebhook | undefined;

  constructor(deps: {
    obs: ObsController;
    board: Board;
    config: DirectorConfig;
    events: EventLog;
    log: Logger;
    metrics: Metrics;
    text: StoreText;
    timeZone: TimeZone;
  }) {
    const { obs, log } = deps;
    this.#board = deps.board;
    this.buffer = new ReplayBuffer({ obs, mode: deps.config.replayBuffer, log });
    this.store = new Highlights({ events: deps.events, log, timeZone: deps.timeZone });
    this.saver = new ClipSaver({ obs, buffer: this.buffer, highlights: this.store, log });
    this.buffer.keepFor(() => this.saver.busyUntil());
    const hook = deps.config.highlights.webhook;
    const webhook = (this.#webhook = hook ? new HighlightWebhook(hook, log, () => deps.metrics.highlightsDropped.inc()) : undefined);
    if (webhook) {
      const words = new Translator(deps.text);
      const machineName = (id: string) => this.#board.machine(id)?.name ?? id;
      this.store.onAdded((highlight) => webhook.send({ type: 'highlight', highlight, message: highlightMessage(highlight, words, machineName) }));
    }
  }

  /** Reads today's highlights back, then follows OBS (before the director connects to it). */
  async start(): Promise<void> {
    await this.store.load();
    this.buffer.start();
  }

  close(): void {
    this.buffer.close();
    this.saver.close();
    this.#webhook?.close();
  }

  status(): Pick<DirectorStatus, 'replayBuffer' | 'highlightsToday'> {
    return { replayBuffer: this.buffer.status(), highlightsToday: this.store.count() };
  }

  /** Rules fired by a production event: those with `clip` save one, whether or not their cut went on air. */
  fired(fired: readonly FiredRule[], run?: Run): void {
    for (const { rule, at, trigger } of fired) {
      if (!rule.clip) continue;
      const runId = 'run' in trigger ? trigger.run : undefined;
      const about = highlightOrders(this.#board, { run, runId, machine: trigger.machine });
      // A machine rule's clip names the run in the machine too, when there is one.
      const cause: ClipCause = { cause: 'rule', firedAt: at, rule: rule.label, ...(about.run ? { run: about.run } : {}), ...trigger, orders: about.orders };
      this.saver.fired(cause, at, rule.clip.afterSeconds);
    }
  }

  /** A run is done or cancelled: a `run_finishing` clip whose moment has not come yet will not come. */
  runEnded(runId: string, now = Date.now()): void {
    this.saver.forget((c) => c.event === 'run_finishing' && c.run === runId && c.firedAt > now);
  }

  /** Staff's "Clip that", or the API: the orders of whatever runs on the floor are not guessed. */
  clip(afterSeconds: number, cause: 'staff' | 'api', by: string): { saveAt: number } {
    return this.saver.request({ cause, firedAt: Date.now(), orders: [], by }, afterSeconds);
  }
}
