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
  const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  // Large counts read better short ("1.2M") on a card a few centimetres wide.
  const big = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
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

export function clockTime(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(ms);
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
