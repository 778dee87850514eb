import type { DemandPeak, PilotReport, ReportEstimate, ReportHour } from '../../../shared/report.js';
import { dayStartOf } from '../../../shared/store-time.js';
import type { MessageKey } from '../../../shared/text/locales/en.js';
import { pageText, t } from '../../../shared/client/page-text.svelte.js';

/**
 * The report's figures in one plain sentence each (docs/protocol.md, "The pilot report"), numbers and dates with
 * Intl in the store's locale and zone. A lift whose 95% interval covers zero, or has none, says the data cannot tell.
 */
export class ReportWords {
  readonly #locale: string;
  readonly #timeZone: string;

  constructor(timeZone: string) {
    this.#locale = pageText.locale;
    this.#timeZone = timeZone;
  }

  number(n: number, digits = 1): string {
    return new Intl.NumberFormat(this.#locale, { maximumFractionDigits: digits }).format(n);
  }

  percent(r: number, sign = false): string {
    // An interval's end just off zero keeps a decimal: "+0.3%", not a "0%" that reads as covering zero.
    const digits = r !== 0 && Math.abs(r) < 0.005 ? 1 : 0;
    return new Intl.NumberFormat(this.#locale, { style: 'percent', maximumFractionDigits: digits, ...(sign ? { signDisplay: 'exceptZero' } : {}) }).format(r);
  }

  /** A store day (`YYYY-MM-DD`) as people write dates there: "3 Dec 2026". */
  day(day: string): string {
    return new Intl.DateTimeFormat(this.#locale, { dateStyle: 'medium', timeZone: this.#timeZone }).format(dayStartOf(day, this.#timeZone));
  }

  /** A store day on a chart's axis: "3 Dec". */
  shortDay(day: string): string {
    return new Intl.DateTimeFormat(this.#locale, { day: 'numeric', month: 'short', timeZone: this.#timeZone }).format(dayStartOf(day, this.#timeZone));
  }

  /** An hour of the store's day ("12:00", "12 PM"): the locale's own clock. */
  hour(hour: number): string {
    return new Intl.DateTimeFormat(this.#locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 1, hour));
  }

  /** The same on a chart's axis, as short as the locale writes it ("12 PM", "12"). */
  hourShort(hour: number): string {
    return new Intl.DateTimeFormat(this.#locale, { hour: 'numeric', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 1, hour));
  }

  days(from: string, to: string): string {
    return from === to ? this.day(from) : t('report.days', { from: this.day(from), to: this.day(to) });
  }

  duration(seconds: number): string {
    if (seconds < 5_400) return t('insight.minutes', { minutes: this.number(seconds / 60, 0) });
    return new Intl.NumberFormat(this.#locale, { style: 'unit', unit: 'hour', unitDisplay: 'long', maximumFractionDigits: 1 }).format(seconds / 3_600);
  }

  /** "Walk-ins were 29% higher during live production (95% interval +22% to +36%)", or that the data cannot tell. */
  lift(e: ReportEstimate, figure: 'walkIns' | 'adjacent' | 'afterClip' | 'vsWalkIns' | 'vsAdjacent' | 'vsConversion'): string {
    if (e.estimate === null) return t(`report.${figure}.none` as MessageKey);
    const percent = this.percent(Math.abs(e.estimate));
    const change = e.estimate >= 0 ? t('report.higher', { percent }) : t('report.lower', { percent });
    const known = e.low !== null && e.high !== null;
    const interval = known ? t('report.interval', { low: this.percent(e.low!, true), high: this.percent(e.high!, true) }) : t('report.noInterval');
    const sure = known && (e.low! > 0 || e.high! < 0);
    return t(`report.${figure}.${sure ? 'sure' : 'unsure'}` as MessageKey, { change, interval });
  }

  conversion(r: PilotReport): string {
    const c = r.conversion;
    if (c.rate === null) return t('report.conversion.none');
    // Orders from the till, the phone or online count too: above 100% is not "every visitor ordered".
    const key = c.rate > 1 ? 'report.conversion.over' : 'report.conversion.says';
    return t(key, { orders: c.orders, walkIns: c.walkIns, rate: this.percent(c.rate) });
  }

  social(r: PilotReport): string {
    const s = r.social;
    return t('report.social.says', { highlights: s.highlights, clips: s.clips, views: s.perClip.views === null ? '–' : this.number(s.perClip.views, 0) });
  }

  /** The published clips that name the highlight they were cut from, and their reach (counted whatever the highlight's day). */
  fromHighlights(r: PilotReport): string {
    const f = r.social.fromHighlights;
    return t('report.social.fromHighlights', { clips: f.clips, views: this.number(f.reach.views, 0) });
  }

  throughput(r: PilotReport): string {
    const p = r.throughput;
    const made =
      p.perOpenHourPerM2 === null
        ? t('report.throughput.noArea', { units: p.unitsMade })
        : t('report.throughput.perArea', { units: p.unitsMade, perM2: this.number(p.perOpenHourPerM2, 2) });
    const pickup = p.sameDayPickup.rate === null ? t('report.pickup.none') : t('report.pickup.says', { rate: this.percent(p.sameDayPickup.rate) });
    return `${made} ${pickup}`;
  }

  economics(r: PilotReport): string[] {
    const e = r.economics;
    const m = e.grossMargin;
    const money = (n: number | null) => (n === null ? '–' : this.number(n, 2));
    const lines = [
      m.count === 0
        ? t('report.margin.none')
        : t('report.margin.says', { runs: m.count, p10: money(m.p10), p50: money(m.p50), p90: money(m.p90), total: money(m.total) }),
      e.toReadySeconds.p50 === null
        ? t('report.fulfilment.none')
        : t('report.fulfilment.says', {
            ready: this.duration(e.toReadySeconds.p50),
            pickup: e.toPickupSeconds.p50 === null ? '–' : this.duration(e.toPickupSeconds.p50),
          }),
    ];
    if (e.inventory.meanShelfSeconds !== null) lines.push(t('report.inventory.says', { time: this.duration(e.inventory.meanShelfSeconds) }));
    if (e.waste.share !== null)
      lines.push(t('report.waste.says', { wasted: e.waste.wasted, made: e.waste.made + e.waste.wasted, share: this.percent(e.waste.share) }));
    return lines;
  }

  /** The slow end of fulfilment, beside its chart (the 10th, 50th and 90th percentiles): null when no order was measured. */
  fulfilmentSpread(r: PilotReport): string | null {
    const { toReadySeconds: ready, toPickupSeconds: pickup } = r.economics;
    if (ready.p90 === null) return null;
    return t('report.fulfilment.spread', { ready: this.duration(ready.p90), pickup: pickup.p90 === null ? '–' : this.duration(pickup.p90) });
  }

  demand(r: PilotReport): string[] {
    const d = r.demand;
    const peaks = (p: DemandPeak[]) => new Intl.ListFormat(this.#locale, { type: 'conjunction' }).format(p.map((x) => this.hour(x.hour)));
    const lines = [d.weekdayPeaks.length > 0 ? t('report.demand.peaks', { hours: peaks(d.weekdayPeaks) }) : t('report.demand.noPeaks')];
    const f = d.forecast;
    const units = f.hourly.reduce((a, b) => a + b, 0);
    const busiest = f.hourly.indexOf(Math.max(...f.hourly));
    if (units > 0) lines.push(t('report.forecast.says', { day: this.day(f.day), units: this.number(units, 0), hour: this.hour(busiest) }));
    const ev = f.evaluation;
    lines.push(
      ev.mape === null || ev.seasonalNaiveMape === null
        ? t('report.forecast.noError')
        : t('report.forecast.error', { mape: this.percent(ev.mape), naive: this.percent(ev.seasonalNaiveMape) }),
    );
    return lines;
  }
}

/** Mean walk-ins per open hour by hour of day, for the hours `pick` keeps (null where none): a chart's series. */
export function meanByHour(hours: ReportHour[], pick: (h: ReportHour) => boolean): (number | null)[] {
  const sum = new Array<number>(24).fill(0);
  const n = new Array<number>(24).fill(0);
  for (const h of hours) {
    if (!pick(h)) continue;
    sum[h.hour]! += h.walkIns;
    n[h.hour]!++;
  }
  return sum.map((s, i) => (n[i]! > 0 ? s / n[i]! : null));
}
