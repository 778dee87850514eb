import { describe, expect, it } from 'vitest';
import { formatReadings } from '../display/src/format.js';
import { Machine } from '../shared/schemas/machine.js';
import { machine } from './helpers/fixtures.js';
import { resolveStoreText } from '../shared/text/catalogue.js';
import { Translator } from '../shared/text/translator.js';

/** The shipped words of a locale, as a page gets them from the hub. */
function say(locale: string): Translator['t'] {
  const translator = new Translator(resolveStoreText({ locale }));
  return (key, params) => translator.t(key, params);
}

describe('machine readings on the board', () => {
  it('refuses a reading no machine reports (1e308), naming it', () => {
    const parsed = Machine.safeParse(machine({ readings: { tempC: 1e308 } }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['readings', 'tempC']);
    expect(Machine.safeParse(machine({ readings: { tempC: -1e10 } })).success).toBe(false);
    expect(Machine.safeParse(machine({ readings: { count: 1e9 } })).success).toBe(true);
  });

  it('shows a large count short enough for a card', () => {
    expect(formatReadings(machine({ readings: { count: 999_999_999 } }), 'en', say('en'))).toEqual(['count 1B']);
    expect(formatReadings(machine({ readings: { count: 123_456 } }), 'en', say('en'))).toEqual(['count 123.5K']);
    expect(formatReadings(machine({ readings: { tempC: 218.26 } }), 'en', say('en'))).toEqual(['218.3 °C']);
    for (const line of formatReadings(machine({ readings: { count: 1e9, tempC: -1e9 } }), 'sv', say('sv'))) expect(line.length).toBeLessThan(16);
  });
});
