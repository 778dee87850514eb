import { Gauge } from 'prom-client';
import type { ProductionFigures } from '../../shared/schemas/insight.js';
import type { Metrics } from '../metrics.js';

type Set = (labels: Record<string, string>, value: number) => void;

interface FigureGauge {
  name: string;
  help: string;
  labelNames?: readonly string[];
  /** Sets the gauge's values from the figures at scrape time; `reset` first where a label may disappear. */
  read(f: ProductionFigures, set: Set): void;
  reset?: boolean;
}

// Read at each scrape from the live figures: nothing is kept twice.
const GAUGES: FigureGauge[] = [
  {
    name: 'batchboard_order_to_ready_seconds',
    help: 'Order to ready, nearest-rank quantiles, for today and the last hour',
    labelNames: ['window', 'quantile'],
    read(f, set) {
      for (const [window, s] of [
        ['today', f.orderToReady.today],
        ['hour', f.orderToReady.lastHour],
      ] as const) {
        if (s.p50 !== null) set({ window, quantile: '0.5' }, s.p50);
        if (s.p90 !== null) set({ window, quantile: '0.9' }, s.p90);
      }
    },
  },
  { name: 'batchboard_queue_length', help: 'Orders queued or in production', read: (f, set) => set({}, f.queue.length) },
  {
    name: 'batchboard_oldest_waiting_order_seconds',
    help: 'Age of the oldest order queued or in production (0 when none)',
    read: (f, set) => set({}, f.queue.oldestAgeSeconds ?? 0),
  },
  {
    name: 'batchboard_ready_last_hour',
    help: 'Orders that turned ready in the last hour, by product (sku) and in all',
    labelNames: ['sku'],
    reset: true,
    read(f, set) {
      set({ sku: 'all' }, f.throughput.readyLastHour);
      for (const [sku, n] of Object.entries(f.throughput.bySkuLastHour)) set({ sku }, n);
    },
  },
  {
    name: 'batchboard_same_day_pickup_ratio',
    help: 'Of the orders ready today, the share picked up today',
    read: (f, set) => (f.pickup.rate === null ? undefined : set({}, f.pickup.rate)),
  },
  {
    name: 'batchboard_machine_utilisation_ratio',
    help: 'Share of today (since the machine first reported) spent running',
    labelNames: ['machine'],
    read(f, set) {
      for (const [machine, m] of Object.entries(f.machines)) if (m.utilisation !== null) set({ machine }, m.utilisation);
    },
  },
  {
    name: 'batchboard_machine_fault_seconds',
    help: 'Time in fault today',
    labelNames: ['machine'],
    read(f, set) {
      for (const [machine, m] of Object.entries(f.machines)) set({ machine }, m.faultSeconds);
    },
  },
  { name: 'batchboard_runs_today', help: 'Production runs done today', read: (f, set) => set({}, f.runs.runs) },
  {
    name: 'batchboard_run_units_today',
    help: 'Units of production runs done today: made, sold (allocated to orders not cancelled) and wasted',
    labelNames: ['kind'],
    read(f, set) {
      set({ kind: 'made' }, f.runs.unitsMade);
      set({ kind: 'sold' }, f.runs.unitsSold);
      set({ kind: 'wasted' }, f.runs.unitsWasted);
    },
  },
  {
    name: 'batchboard_run_gross_margin',
    help: 'Gross margin of the runs done today: the total, and the median per run (the catalogue needs unitPrice and unitCost)',
    labelNames: ['stat'],
    read(f, set) {
      if (f.runs.grossMarginPerRun.total !== null) set({ stat: 'total' }, f.runs.grossMarginPerRun.total);
      if (f.runs.grossMarginPerRun.p50 !== null) set({ stat: 'p50' }, f.runs.grossMarginPerRun.p50);
    },
  },
  {
    name: 'batchboard_inventory_velocity_seconds',
    help: 'Mean time a made unit waited on the shelf today, from its run out to its order picked up',
    read: (f, set) => (f.runs.inventoryVelocitySeconds === null ? undefined : set({}, f.runs.inventoryVelocitySeconds)),
  },
  {
    name: 'batchboard_machine_run_utilisation_ratio',
    help: 'Per machine: time in production runs today over the time since its first run today started',
    labelNames: ['machine'],
    reset: true,
    read(f, set) {
      for (const [machine, u] of Object.entries(f.runs.machineUtilisation)) set({ machine }, u);
    },
  },
];

/** The production figures as Prometheus gauges on /metrics. */
export function registerFigureMetrics(metrics: Metrics, figures: () => ProductionFigures): void {
  for (const g of GAUGES) {
    new Gauge({
      name: g.name,
      help: g.help,
      labelNames: g.labelNames ?? [],
      registers: [metrics.registry],
      collect() {
        if (g.reset) this.reset();
        g.read(figures(), (labels, value) => this.set(labels, value));
      },
    });
  }
}
