/**
 * The ICU MessageFormat subset the catalogue uses: `{name}`, `{n, plural, =0 {…} one {# left} other {# left}}`
 * and `{x, select, a {…} other {…}}`, with ICU's apostrophe quoting. Plural categories come from
 * `Intl.PluralRules` (CLDR's rules, built into every browser and Node), never from rules of our own.
 *
 * Why not intl-messageformat (@formatjs): measured on 2026-12-02, intl-messageformat 12.1.5 bundled and
 * minified is 9.8 KB gzipped (its parser is imported statically, so pre-parsed messages do not shake it
 * out). This file is about 1 KB gzipped, and the pages (the display has a 60 KB budget, the tracker opens
 * on a phone over store Wi-Fi) need only these three forms. The hub parses every message at start with
 * this same code, so a message a page cannot format is refused before any page sees it.
 */

export type MessagePart = string | { arg: string } | { pound: true } | { arg: string; kind: 'plural' | 'select'; options: Record<string, MessagePart[]> };

export type MessageParams = Readonly<Record<string, string | number>>;

export class MessageSyntaxError extends Error {}

/** Parses a message once; the result is formatted as often as needed. Throws MessageSyntaxError naming the fault. */
export function parseMessage(source: string): MessagePart[] {
  let at = 0;

  function fail(why: string): never {
    throw new MessageSyntaxError(`${why} at character ${at + 1}`);
  }

  function spaces(): void {
    while (at < source.length && /\s/.test(source[at]!)) at++;
  }

  function word(): string {
    spaces();
    const start = at;
    while (at < source.length && /[^\s{},]/.test(source[at]!)) at++;
    if (at === start) fail('expected a name');
    return source.slice(start, at);
  }

  /** Text and arguments up to an unmatched `}` (inside an option) or the end. */
  function parts(inPlural: boolean): MessagePart[] {
    const out: MessagePart[] = [];
    let text = '';
    const flush = () => {
      if (text) out.push(text);
      text = '';
    };
    while (at < source.length) {
      const c = source[at]!;
      if (c === "'") {
        const next = source[at + 1];
        // ICU quoting: '' is one apostrophe; a quote before a special character quotes up to the next lone quote.
        if (next === "'") {
          text += "'";
          at += 2;
        } else if (next === '{' || next === '}' || (inPlural && next === '#')) {
          at++;
          while (at < source.length) {
            if (source[at] === "'" && source[at + 1] === "'") {
              text += "'";
              at += 2;
            } else if (source[at] === "'") {
              at++;
              break;
            } else text += source[at++];
          }
        } else {
          text += c;
          at++;
        }
      } else if (c === '{') {
        flush();
        at++;
        out.push(argument());
      } else if (c === '}') {
        break;
      } else if (c === '#' && inPlural) {
        flush();
        out.push({ pound: true });
        at++;
      } else {
        text += c;
        at++;
      }
    }
    flush();
    return out;
  }

  function argument(): MessagePart {
    const arg = word();
    spaces();
    if (source[at] === '}') {
      at++;
      return { arg };
    }
    if (source[at] !== ',') fail(`expected } or , after {${arg}`);
    at++;
    const kind = word();
    if (kind !== 'plural' && kind !== 'select') fail(`unknown argument type '${kind}' (use plural or select)`);
    spaces();
    if (source[at] !== ',') fail(`expected , after ${kind}`);
    at++;
    const options: Record<string, MessagePart[]> = {};
    for (;;) {
      spaces();
      if (source[at] === '}') {
        at++;
        break;
      }
      const key = word();
      spaces();
      if (source[at] !== '{') fail(`expected { after option '${key}'`);
      at++;
      options[key] = parts(kind === 'plural');
      if (source[at] !== '}') fail(`option '${key}' is not closed`);
      at++;
    }
    if (!options.other) fail(`{${arg}, ${kind}} needs an 'other' option`);
    return { arg, kind, options };
  }

  const out = parts(false);
  if (at < source.length) fail('unmatched }');
  return out;
}

/** The names a message reads, for checking that a translation asks for the same values as the original. */
export function messageArgs(parts: readonly MessagePart[], into = new Set<string>()): Set<string> {
  for (const p of parts) {
    if (typeof p === 'string' || 'pound' in p) continue;
    into.add(p.arg);
    if ('options' in p) for (const option of Object.values(p.options)) messageArgs(option, into);
  }
  return into;
}

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function cached<T>(map: Map<string, T>, locale: string, make: () => T): T {
  let value = map.get(locale);
  if (!value) map.set(locale, (value = make()));
  return value;
}

export interface FormatOptions {
  /**
   * Wrap each `{value}` in first-strong isolate … pop directional isolate (U+2068 … U+2069): in a right-to-left
   * sentence a left-to-right value (an order number, a name) neither reorders nor is reordered by the words around it.
   */
  isolate?: boolean;
  /** The number `#` stands for, inside a plural option. */
  pound?: number | undefined;
}

/** Formats parsed parts. A value that was not given stays as `{name}`: visible, so a missing value is noticed, never a crash. */
export function formatParts(parts: readonly MessagePart[], locale: string, params: MessageParams = {}, options: FormatOptions = {}): string {
  const { pound, isolate = false } = options;
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if ('pound' in p) out += pound === undefined ? '#' : cached(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(pound);
    else {
      const value = params[p.arg];
      if (!('kind' in p)) {
        const text =
          value === undefined
            ? `{${p.arg}}`
            : typeof value === 'number'
              ? cached(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(value)
              : value;
        out += isolate ? `\u2068${text}\u2069` : text;
      } else if (p.kind === 'select') {
        out += formatParts(p.options[String(value)] ?? p.options.other!, locale, params, options);
      } else {
        const n = Number(value);
        const exact = p.options[`=${n}`];
        const category = Number.isFinite(n) ? cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(n) : 'other';
        out += formatParts(exact ?? p.options[category] ?? p.options.other!, locale, params, { ...options, pound: Number.isFinite(n) ? n : undefined });
      }
    }
  }
  return out;
}
