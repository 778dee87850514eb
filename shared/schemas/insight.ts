/** Order-to-ready, in seconds, by nearest rank; null without data. */
export interface Spread {
  count: number;
  p50: number | null;
  p90: number | null;
}

export interface MachineFigures {
  name: string;
  /** Share of the observed part of today spent `running`, 0..1. */
  utilisation: number | null;
  runningSeconds: number;
  faultSeconds: number;
  observedSeconds: number;
}

/** The production figures the hub keeps from the events it sees (issue: instrument aggressively). */
export interface ProductionFigures {
  at: number;
  /** The store's zone (`timeZone`): "today" in these figures is the store's day there. */
  timeZone: string;
  orderToReady: { today: Spread; lastHour: Spread };
  queue: { length: number; oldestAgeSeconds: number | null };
  throughput: { readyLastHour: number; readyToday: number; perHourToday: number | null; bySkuLastHour: Record<string, number> };
  pickup: { readyToday: number; pickedUpToday: number; rate: number | null };
  machines: Record<string, MachineFigures>;
  /** Production runs done today: the unit economics (docs/protocol.md, "Production figures"). */
  runs: RunDayFigures;
  /**
   * End-to-end latency today, in seconds: from a change's source stamp (`updatedAt`) to a screen saying it painted
   * it (sampled acks); `implausible`: acks not counted because the stamp was ahead of the hub or over 10 minutes old.
   */
  sourceToPainted: Spread & { implausible: number };
}

/** One run done today, as the investor's list asks for it. */
export interface RunFigures {
  id: string;
  sku: string;
  machine: string | null;
  qty: number;
  produced: number;
  wasted: number;
  /** Units allocated to orders not cancelled. */
  sold: number;
  /** qty ÷ the SKU's runSize. */
  fillRate: number | null;
  /** Machine time, startedAt to doneAt. */
  machineMinutes: number | null;
  /** unitPrice × sold − unitCost × produced − machine hours × machineCostPerHour; null without prices in the catalogue. */
  grossMargin: number | null;
  /** The first allocated order's arrival to the last one's pickup; null until all are picked up. */
  fulfilmentSeconds: number | null;
  doneAt: number;
}

export interface RunDayFigures {
  runs: number;
  unitsMade: number;
  unitsSold: number;
  unitsWasted: number;
  grossMarginPerRun: { p50: number | null; total: number | null };
  /** Mean time a made unit waited on the shelf, from its run's end to its order's pickup, weighted by units. */
  inventoryVelocitySeconds: number | null;
  /** Per machine: time in runs today over the time since its first run today started. */
  machineUtilisation: Record<string, number>;
  /** The latest runs done today, newest first (at most 20). */
  recent: RunFigures[];
}

/** A point of the console's small charts. */
export interface FigurePoint {
  at: number;
  queue: number;
  p50: number | null;
  readyLastHour: number;
}

export const ALERT_KINDS = ['order_late', 'queue_old', 'machine_fault', 'screen_offline', 'obs_down_while_streaming', 'stream_dropped'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/** An alert's code is its kind: what a page words it by. */
export type AlertCode = AlertKind;

/** The values each alert is worded with, in any language. */
export interface AlertParams {
  /** Order `number` (id `order`) is past its promise. */
  order_late: { order: string; number: string };
  /** The oldest waiting order is over `minutes` old (`alerts.oldestQueuedMinutes`). */
  queue_old: { minutes: number };
  /** Machine `machine` (shown as `name`) is in fault. */
  machine_fault: { machine: string; name: string };
  /** Screen `screen` has been offline for over `minutes` (`alerts.screenOfflineMinutes`). */
  screen_offline: { screen: string; minutes: number };
  /** OBS is disconnected while the stream is live. */
  obs_down_while_streaming: Record<string, never>;
  /** OBS lost the stream or the recording (OBS gone, the stream reconnecting or ended by itself) while production runs. */
  stream_dropped: { output: 'stream' | 'record' };
}

/** One alert: a code and its params, never a sentence, so the console says it in the store's language. */
export type Alert = {
  [C in AlertCode]: {
    /** Stable for one condition: `machine_fault:oven-1`. */
    key: string;
    code: C;
    params: AlertParams[C];
    since: number;
  };
}[AlertCode];
