/**
 * The pilot report (`GET /api/report`, docs/protocol.md, "The pilot report"): what the event log says about a range
 * of store days. Plain types: the /report page reads them without zod. A rate without a basis is null, never 0.
 */

/** An estimate with its 95% interval (percentile bootstrap over days, seeded): both ends null when the data cannot say. */
export interface ReportEstimate {
  estimate: number | null;
  low: number | null;
  high: number | null;
}

export interface ReportSpread {
  count: number;
  mean: number | null;
  p10: number | null;
  p50: number | null;
  p90: number | null;
}

export interface ReportDay {
  day: string;
  walkIns: number;
  orders: number;
  /** orders ÷ walk-ins, null without walk-ins. */
  conversion: number | null;
  openHours: number;
  windowHours: number;
  adjacentUnits: number;
  unitsMade: number;
}

export interface ReportHour {
  day: string;
  hour: number;
  walkIns: number;
  orders: number;
  conversion: number | null;
  window: boolean;
  clipBefore: boolean;
}

export interface DemandPeak {
  hour: number;
  /** Mean units per day in that hour. */
  units: number;
}

export interface SkuDemand {
  sku: string;
  units: number;
  /** Mean units per day, [weekday 0 Monday … 6 Sunday][hour 0–23]. */
  byWeekdayHour: number[][];
  weekdayPeaks: DemandPeak[];
  weekendPeaks: DemandPeak[];
}

export interface DemandForecast {
  /** The store day forecast: the day after the range. */
  day: string;
  method: 'day-type-profile';
  /** Units per hour, every SKU, and per SKU. */
  hourly: number[];
  bySku: Record<string, number[]>;
  evaluation: {
    heldBackDays: string[];
    /** Mean absolute percentage error over the held-back hours that sold anything; null without held-back days. */
    mape: number | null;
    seasonalNaiveMape: number | null;
    /** 1 − mape ÷ seasonalNaiveMape: 0.2 is 20% fewer errors than "the same hour last week". */
    improvement: number | null;
  };
}

export interface PilotReport {
  range: { from: number; to: number; timeZone: string; days: string[] };
  pilot: { name: string } | null;
  /** `config`: `pilot.productionWindows`; `machines-or-stream`: while a machine was `running` or the stream live. */
  windows: { source: 'config' | 'machines-or-stream'; hours: number };
  conversion: { walkIns: number; orders: number; rate: number | null; byDay: ReportDay[]; byHour: ReportHour[] };
  walkIns: { openHours: number; perOpenHour: number | null; windowUplift: ReportEstimate };
  adjacent: { units: number; perWalkIn: number | null; windowLift: ReportEstimate };
  social: {
    highlights: number;
    clips: number;
    reach: { views: number; likes: number; shares: number; linkClicks: number };
    perClip: { views: number | null; likes: number | null; shares: number | null; linkClicks: number | null };
    /** The clips that name the highlight they were cut from (`POST /api/social`'s `highlight`), and their reach. */
    fromHighlights: { clips: number; reach: { views: number; likes: number; shares: number; linkClicks: number } };
    afterClipLift: ReportEstimate;
  };
  throughput: {
    unitsMade: number;
    openHours: number;
    floorAreaM2: number | null;
    perOpenHourPerM2: number | null;
    sameDayPickup: { ready: number; pickedUp: number; rate: number | null };
  };
  economics: {
    runs: number;
    grossMargin: ReportSpread & { total: number | null };
    toReadySeconds: ReportSpread;
    toPickupSeconds: ReportSpread;
    inventory: { units: number; meanShelfSeconds: number | null; daysInInventory: number | null };
    waste: { made: number; wasted: number; share: number | null };
  };
  demand: { skus: SkuDemand[]; weekdayPeaks: DemandPeak[]; weekendPeaks: DemandPeak[]; forecast: DemandForecast };
  /** `compare=baseline`: the pilot's days against the baseline's. */
  comparison?: {
    pilot: { from: string; to: string };
    baseline: { from: string; to: string };
    walkInsPerOpenHour: ReportEstimate;
    adjacentPerWalkIn: ReportEstimate;
    conversion: ReportEstimate;
  };
}
