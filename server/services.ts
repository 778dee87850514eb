import type { Logger } from './log.js';

/**
 * A part of the hub with a life of its own. The hub lists its services once, in dependency order: they start
 * in that order and close in reverse, so nothing closes while something started after it still uses it.
 * No service starts another.
 */
export interface Service {
  /** For the log, when a step is slow to close. */
  readonly name: string;
  start?(): Promise<void> | void;
  close?(): Promise<void> | void;
}

export async function startServices(services: readonly Service[]): Promise<void> {
  for (const service of services) await service.start?.();
}

/**
 * Each step is bounded: after a Redis outage a client may still be reconnecting with commands queued,
 * and a hub asked to stop must stop, not wait for it. A step that fails is logged; the next still runs.
 */
export async function closeServices(services: readonly Service[], log: Logger, stepMs = 3_000): Promise<void> {
  for (const service of [...services].reverse()) {
    if (!service.close) continue;
    await within(
      stepMs,
      Promise.resolve().then(() => service.close?.()),
      service.name,
      log,
    );
  }
}

/** Waits for a shutdown step, but no longer than `ms`. */
async function within(ms: number, work: Promise<unknown>, step: string, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms)));
  const done = work.then(
    () => false,
    (err: unknown) => {
      log.warn({ step, err }, 'shutdown step failed; going on');
      return false;
    },
  );
  if (await Promise.race([done, late])) log.warn({ step, ms }, 'shutdown step did not finish in time; going on');
  clearTimeout(timer);
}
