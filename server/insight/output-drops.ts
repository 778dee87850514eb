import type { Snapshot } from '../../shared/schemas/board.js';
import type { ObsOutput } from '../../shared/schemas/stream-health.js';

const OUTPUTS: readonly ObsOutput[] = ['stream', 'record'];

/** Production runs: a machine is running, or a production run is. */
export function producing(board: Pick<Snapshot, 'machines' | 'runs'>): boolean {
  return board.machines.some((m) => m.state === 'running') || board.runs.some((r) => r.status === 'running');
}

/**
 * The `stream_dropped` condition: an output (the stream, the recording) OBS lost while production runs. A loss
 * counts only if production ran when the alerts first saw it, and stops counting for good once production
 * stops: so one loss alerts at most once, however often OBS comes and goes meanwhile, and a recording nobody
 * started again does not alert anew at every next run. It ends when the output is live again (a new loss is
 * a new one) or production stops.
 */
export class OutputDrops {
  #losses = new Map<ObsOutput, { since: number; counts: boolean }>();

  /** The outputs to alert on now, with when each was lost. */
  check(lostSince: (output: ObsOutput) => number | null, productionRuns: boolean): Map<ObsOutput, number> {
    const out = new Map<ObsOutput, number>();
    for (const output of OUTPUTS) {
      const since = lostSince(output);
      if (since === null) {
        this.#losses.delete(output);
        continue;
      }
      let loss = this.#losses.get(output);
      if (loss?.since !== since) this.#losses.set(output, (loss = { since, counts: productionRuns }));
      if (!productionRuns) loss.counts = false;
      if (loss.counts) out.set(output, since);
    }
    return out;
  }
}
