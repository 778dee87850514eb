import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { displayConfigOf } from '../server/screens/display-config.js';
import { MESSAGE_KEYS, SHIPPED, resolveStoreText } from '../shared/text/catalogue.js';
import { en } from '../shared/text/locales/en.js';
import { formatParts, messageArgs, parseMessage } from '../shared/text/message-format.js';
import { Translator } from '../shared/text/translator.js';
import { errorParams } from '../kiosk/src/error-params.js';
import { ERROR_CODES } from '../shared/errors.js';
import { ALERT_KINDS } from '../shared/schemas/insight.js';

function say(locale: string): Translator {
  return new Translator(resolveStoreText({ locale }));
}

function configWith(store: unknown) {
  const dir = mkdtempSync(path.join(tmpdir(), 'batchboard-text-'));
  const file = path.join(dir, 'store.json');
  writeFileSync(file, JSON.stringify(store));
  return loadConfig({ CONFIG: file });
}

describe('the shipped locales', () => {
  it.each(Object.keys(SHIPPED))('%s has every catalogue key, each a message that parses and asks for the same values as the English', (locale) => {
    const messages = SHIPPED[locale]!;
    expect(Object.keys(messages).sort()).toEqual([...MESSAGE_KEYS].sort());
    for (const key of MESSAGE_KEYS) {
      const message = messages[key];
      expect(message, key).toBeTruthy();
      expect([...messageArgs(parseMessage(message))].sort(), key).toEqual([...messageArgs(parseMessage(en[key]))].sort());
    }
  });

  it('word every error code the hub answers with and every alert it raises, with the values they carry', () => {
    for (const code of ERROR_CODES) expect(MESSAGE_KEYS, `error.${code}`).toContain(`error.${code}`);
    for (const code of ALERT_KINDS) expect(MESSAGE_KEYS, `alert.${code}`).toContain(`alert.${code}`);
    // A message may only ask for values its answer has: a wait is also given in minutes (kiosk/src/error-params.ts).
    expect([...messageArgs(parseMessage(en['error.locked']))]).toEqual(['retryAfterMinutes']);
    expect([...messageArgs(parseMessage(en['error.wrong_pin']))]).toEqual(['triesLeft']);
    expect([...messageArgs(parseMessage(en['error.sold_out']))]).toEqual(['left']);
  });

  it('are not English left in place: most Swedish and German messages differ from the English', () => {
    for (const locale of ['sv', 'de']) {
      const same = MESSAGE_KEYS.filter((k) => SHIPPED[locale]![k] === en[k]);
      // Numbers with units, "OK", "PIN", "CSV", "{number} → {status}" and the like read the same in every language.
      expect(same.length, `${locale}: ${same.join(', ')}`).toBeLessThan(MESSAGE_KEYS.length / 8);
    }
  });

  it.each([
    ['en', 'Wrong PIN. 1 try left.', 'Wrong PIN. 2 tries left.'],
    ['sv', 'Fel PIN-kod. 1 försök kvar.', 'Fel PIN-kod. 2 försök kvar.'],
    ['de', 'Falsche PIN. Noch 1 Versuch.', 'Falsche PIN. Noch 2 Versuche.'],
  ])('%s words a wrong PIN with its own plural forms', (locale, one, two) => {
    expect(say(locale).error('wrong_pin', { triesLeft: 1 })).toBe(one);
    expect(say(locale).error('wrong_pin', { triesLeft: 2 })).toBe(two);
  });
});

describe('the message format', () => {
  it('formats arguments, plurals with exact matches and #, and selects', () => {
    const fmt = (source: string, params: Record<string, string | number>, locale = 'en') => formatParts(parseMessage(source), locale, params);
    expect(fmt('Hi {name}', { name: 'Ana' })).toBe('Hi Ana');
    expect(fmt('{n, plural, =0 {none} one {# bun} other {# buns}}', { n: 0 })).toBe('none');
    expect(fmt('{n, plural, =0 {none} one {# bun} other {# buns}}', { n: 1 })).toBe('1 bun');
    expect(fmt('{n, plural, =0 {none} one {# bun} other {# buns}}', { n: 1200 })).toBe('1,200 buns');
    expect(fmt('{n, plural, one {# bulle} other {# bullar}}', { n: 1200 }, 'sv')).toBe('1\u00a0200 bullar');
    expect(fmt('{s, select, a {Alpha} other {Other {s}}}', { s: 'b' })).toBe('Other b');
    expect(fmt("It's '{'literal'}' and ''quoted''", {})).toBe("It's {literal} and 'quoted'");
    // A value that was not given is visible, never a crash.
    expect(fmt('Order {number}', {})).toBe('Order {number}');
  });

  it.each(['{unclosed', 'a } b', '{n, plural, one {x}}', '{n, choice, other {x}}', '{n, plural, other {x}'])('refuses %j, saying where', (source) => {
    expect(() => parseMessage(source)).toThrow(/at character \d+/);
  });

  it('isolates each value in a right-to-left locale, and still selects and counts by the bare value', () => {
    const rtl = new Translator({
      locale: 'he',
      dir: 'rtl',
      messages: { 'track.title': 'הזמנה {number}', 'scenes.obs': en['scenes.obs'], 'kiosk.left': en['kiosk.left'] },
    });
    expect(rtl.t('track.title', { number: 'K5' })).toBe('הזמנה \u2068K5\u2069');
    expect(rtl.t('scenes.obs', { state: 'connected' })).toBe('OBS connected');
    expect(rtl.t('kiosk.left', { left: 3 })).toBe('3 left today');
    expect(say('en').t('track.title', { number: 'K5' })).toBe('Order K5');
  });

  it('shows an error by its code, and an unknown code in general words', () => {
    expect(say('en').error('sold_out', { left: 0 })).toBe('Sorry, that just sold out.');
    expect(say('en').error('no_such_code')).toBe(en['error.unknown']);
  });
});

describe('the values of an error answer', () => {
  it('come from params, never from the hub’s English message', () => {
    expect(errorParams({ code: 'wrong_pin', message: 'wrong PIN; 7 tries left', params: { triesLeft: 1 } })).toEqual({ triesLeft: 1 });
    expect(errorParams({ code: 'sold_out', message: 'x', params: { sku: 'bun', left: 3 } })).toEqual({ sku: 'bun', left: 3 });
  });

  it('give a wait in whole minutes beside the seconds, and leave lists out', () => {
    expect(errorParams({ code: 'locked', message: 'x', params: { retryAfterSeconds: 61 } })).toEqual({ retryAfterSeconds: 61, retryAfterMinutes: 2 });
    expect(errorParams({ code: 'invalid_input', message: 'x', params: { issues: [{ field: 'qty', problem: 'too_large', max: 12 }] } })).toEqual({});
  });
});

describe('the store config', () => {
  it('speaks the top-level locale on every page, with the store’s messages over the shipped ones', () => {
    const config = configWith({ locale: 'sv', locales: { sv: { messages: { 'board.ready': 'Hämta här' } } } });
    const text = displayConfigOf(config.shop).text;
    expect(text.locale).toBe('sv');
    expect(text.dir).toBe('ltr');
    expect(text.messages['board.ready']).toBe('Hämta här');
    expect(text.messages['kiosk.menuTitle']).toBe(SHIPPED.sv!['kiosk.menuTitle']);
  });

  it('refuses an unknown message key at start, naming it', () => {
    expect(() => configWith({ locale: 'sv', locales: { sv: { messages: { 'board.redy': 'Klar' } } } })).toThrow(
      /locales\.sv\.messages\.board\.redy.*'board\.redy' is not a message key/,
    );
  });

  it('refuses a message that does not parse, naming its key', () => {
    expect(() => configWith({ locales: { de: { messages: { 'kiosk.left': '{left, plural, one {# da}' } } } })).toThrow(
      /locales\.de\.messages\.kiosk\.left.*not a valid message/,
    );
  });

  it('refuses a locale tag Intl cannot use', () => {
    expect(() => configWith({ locale: 'sv_SE' })).toThrow(/locale: must be a BCP 47 language tag/);
  });

  it('keeps the older display.locale and display.labels working, folded into the catalogue', () => {
    const config = configWith({ display: { locale: 'sv', labels: { ready: 'Klar att hämta', nowLive: 'Sänds nu', machineStates: { fault: 'Fel!' } } } });
    const text = displayConfigOf(config.shop).text;
    expect(text.locale).toBe('sv');
    expect(text.messages['board.ready']).toBe('Klar att hämta');
    expect(text.messages['machine.state.fault']).toBe('Fel!');
    expect(new Translator(text).t('board.nowLive', { scene: 'Ugnen' })).toBe('Sänds nu: Ugnen');
    // Keys the labels never had come from the shipped Swedish, not English.
    expect(text.messages['board.queued']).toBe(SHIPPED.sv!['board.queued']);
  });

  it('refuses two different locales, top-level and display.locale', () => {
    expect(() => configWith({ locale: 'de', display: { locale: 'sv' } })).toThrow(/display\.locale/);
  });

  it('lays out a store-defined right-to-left locale right to left, by its dir or by CLDR', () => {
    const own = configWith({ locale: 'en-XB', locales: { 'en-XB': { dir: 'rtl', messages: { 'board.ready': 'جاهز' } } } });
    expect(displayConfigOf(own.shop).text.dir).toBe('rtl');
    // A locale without messages of its own starts from English, and takes its direction from CLDR.
    expect(displayConfigOf(configWith({ locale: 'he' }).shop).text).toMatchObject({ dir: 'rtl', messages: { 'board.ready': en['board.ready'] } });
  });
});
