import type { LoggedEvent } from '../../shared/schemas/event-log.js';

/**
 * One log entry as a flat row, the same for every tabular export (CSV, Parquet): the CSV's columns, with
 * null where an entry has no such field, plus typed figures a report reads directly instead of digging in `detail`.
 */
export interface ExportRow {
  at: number;
  type: string;
  seq: number | null;
  id: string | null;
  number: string | null;
  status: string | null;
  who: string | null;
  /** The record, as the CSV's `detail` holds it (its JSON). */
  detail: unknown;
  /** Units: an order's items, a sale's lines. */
  qty: number | null;
  /** A people counter's count. */
  peopleIn: number | null;
  peopleOut: number | null;
  /** A sale's total, in its currency. */
  total: number | null;
  /** A social post's views so far. */
  views: number | null;
}

const NONE = { seq: null, id: null, number: null, status: null, who: null, qty: null, peopleIn: null, peopleOut: null, total: null, views: null };

const units = (items: readonly { qty: number }[]): number => items.reduce((sum, i) => sum + i.qty, 0);

export function exportRow(e: LoggedEvent): ExportRow {
  const at = e.at;
  switch (e.type) {
    case 'order':
      return {
        ...NONE,
        at,
        type: e.removed ? 'order_removed' : 'order',
        seq: e.seq,
        id: e.order.id,
        number: e.order.number,
        status: e.order.status,
        detail: e.order,
        qty: units(e.order.items),
      };
    case 'machine':
      return { ...NONE, at, type: 'machine', seq: e.seq, id: e.machine.id, status: e.machine.state, detail: e.machine };
    case 'scene':
      return { ...NONE, at, type: 'scene', seq: e.seq, status: e.scene.program ?? null, detail: e.scene };
    case 'staff':
      return { ...NONE, at, type: `staff_${e.staff.action}`, id: e.staff.order, number: e.staff.number, status: e.staff.to, who: e.staff.who, detail: e.staff };
    case 'director':
      return { ...NONE, at, type: `director_${e.director.cause}`, status: e.director.scene, who: e.director.by ?? null, detail: e.director };
    case 'highlight': {
      const h = e.highlight;
      return { ...NONE, at, type: `highlight_${h.cause}`, id: h.id, number: h.orders.join(' '), status: h.file, who: h.by ?? null, detail: h };
    }
    case 'run':
      return { ...NONE, at, type: 'run', seq: e.seq, id: e.run.id, status: e.run.status, detail: e.run };
    case 'footfall':
      return { ...NONE, at, type: 'footfall', id: e.footfall.sensor, detail: e.footfall, peopleIn: e.footfall.in, peopleOut: e.footfall.out };
    case 'social':
      return { ...NONE, at, type: 'social', id: e.social.post, who: e.social.platform ?? null, detail: e.social, views: e.social.views ?? null };
    case 'sale':
      return { ...NONE, at, type: 'sale', id: e.sale.id, who: e.sale.source, detail: e.sale, qty: units(e.sale.items), total: e.sale.total ?? null };
    case 'stream':
      return { ...NONE, at, type: 'stream', status: e.stream.live ? 'live' : 'off', detail: e.stream };
  }
}
