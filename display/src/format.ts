import type { Machine, MachineState } from '../../shared/schemas/machine.js';
import type { MessageKey } from '../../shared/text/locales/en.js';
import type { MessageParams } from '../../shared/text/message-format.js';

type Say = (key: MessageKey, params?: MessageParams) => string;

/** Readings with a unit of their own in the catalogue (`reading.tempC`: "{value} °C"). */
const UNITS: Record<string, MessageKey> = {
  tempC: 'reading.tempC',
  tempF: 'reading.tempF',
  humidityPct: 'reading.humidityPct',
  inkPct: 'reading.inkPct',
  rpm: 'reading.rpm',
  kW: 'reading.kW',
};

export const stateKey = (state: MachineState): MessageKey => `machine.state.${state}`;

/** "218 °C": known reading names get their unit, others show as "name value" (`reading.other`). */
export function formatReadings(machine: Machine, locale: string, say: Say): string[] {
  const nf = formatter(`n:${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }));
  // Large counts read better short ("1.2M") on a card a few centimetres wide.
  const big = formatter(`c:${locale}`, () => new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }));
  const format = (value: number) => (Math.abs(value) >= 100_000 ? big : nf).format(value);
  return Object.entries(machine.readings ?? {}).map(([name, value]) => {
    const unit = UNITS[name];
    return unit ? say(unit, { value: format(value) }) : say('reading.other', { name, value: format(value) });
  });
}

/** 0–1 share of the batch done at `now`. */
export function progress(machine: Machine, now: number): number | null {
  const b = machine.batch;
  if (!b) return null;
  if (b.endsAt <= b.startedAt) return 1;
  return Math.min(1, Math.max(0, (now - b.startedAt) / (b.endsAt - b.startedAt)));
}

export function minutesLeft(machine: Machine, now: number): number | null {
  const b = machine.batch;
  return b ? Math.max(0, Math.ceil((b.endsAt - now) / 60_000)) : null;
}

/** Hours and minutes in the store's zone (a TV's own clock setting is often wrong, or UTC). */
export function clockTime(ms: number, locale: string, timeZone?: string): string {
  return formatter(`t:${locale}:${timeZone ?? ''}`, () => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone })).format(ms);
}

// Building an Intl formatter loads locale data: the first one took ~20 ms of the frame that shows a
// 200-order snapshot (profiled in Chromium), and the clock and readings are formatted every render.
// One per locale and kind, kept for the page's life (a screen shows one or two locales).
const formatters = new Map<string, { format(value: number): string }>();
function formatter(key: string, make: () => { format(value: number): string }): { format(value: number): string } {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f;
}

/** A glyph for each state, so state is never told by colour alone. */
export const STATE_ICON: Record<MachineState, string> = {
  idle: '○',
  preheating: '♨',
  running: '▶',
  unloading: '⇪',
  cleaning: '✧',
  fault: '⚠',
  offline: '⊘',
};
