import type { FieldIssue } from '../../shared/field-issues.js';
import type { OrderStatus } from '../../shared/schemas/order.js';
import type { ApiError } from './api.js';

/**
 * Today's English for an error answer, built from its code and params (the hub's `message` is for
 * developers and never shown). A stopgap until the text catalogue words these in the store's language.
 */

type Words = { [C in ApiError['code']]: (params: Extract<ApiError, { code: C }>['params'], ctx: WordsContext) => string };

export interface WordsContext {
  /** A product's name for its SKU (the kiosk knows its menu). */
  product?: (sku: string) => string | undefined;
  /** Who reads it: a customer at the kiosk is sent to the counter. */
  reader?: 'customer' | 'staff';
}

const status = (s: OrderStatus) => s.replace('_', ' ');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const counter = (ctx: WordsContext) => (ctx.reader === 'customer' ? 'Please order at the counter, or try again' : 'Try again');

function problemWords(issue: FieldIssue): string {
  switch (issue.problem) {
    case 'required':
      return issue.options ? `choose one of ${issue.options.join(', ')}` : 'is required';
    case 'wrong_type':
      return 'has the wrong type';
    case 'too_long':
      return `at most ${plural(issue.max, 'character', 'characters')}`;
    case 'too_short':
      return `at least ${plural(issue.min, 'character', 'characters')}`;
    case 'too_large':
      return `at most ${issue.max}`;
    case 'too_small':
      return `at least ${issue.min}`;
    case 'too_many':
      return `at most ${plural(issue.max, 'entry', 'entries')}`;
    case 'too_few':
      return `at least ${plural(issue.min, 'entry', 'entries')}`;
    case 'bad_format':
      return 'is not in the right form';
    case 'not_one_of':
      return `must be one of ${issue.options.join(', ')}`;
    case 'unknown_field':
      return 'is not expected';
    case 'not_a_variant':
      return `'${issue.value}' is not one of ${issue.options.join(', ')}`;
    case 'unknown_product':
      return `'${issue.value}' is not on today's menu`;
    case 'too_far_ahead':
      return `is more than ${issue.maxHours} h in the future (check the clock)`;
    case 'before_from':
      return 'must not be before the start';
    case 'invalid':
      return 'is not valid';
  }
}

const issueWords = (issue: FieldIssue) => `${issue.field}: ${problemWords(issue)}`;

const WORDS: Words = {
  network: () => 'The hub cannot be reached',
  bad_reply: (p) => `The hub answered ${p.status}`,
  invalid_json: () => 'The hub could not read the request',
  invalid_input: (p) => p.issues.map(issueWords).join('; ') || 'Check what was entered',
  too_large: () => 'The request is too large',
  not_json: () => 'The hub could not read the request',
  unauthorized: () => 'Logged out: log in again',
  csrf: () => 'Refused: reload the page and try again',
  not_found: () => 'Not found',
  unknown_order: (p) => `No order ${p.order} on the board or finished lately`,
  unknown_screen: (p) => `No screen named '${p.name}'`,
  unknown_scene: (p) => `OBS has no scene named '${p.scene}'`,
  wrong_pin: (p) => `Wrong PIN; ${plural(p.triesLeft, 'try', 'tries')} left before login locks`,
  locked: (p) => `Too many wrong PINs; login is locked for ${Math.ceil(p.retryAfterSeconds / 60)} min`,
  rate_limited: (p, ctx) =>
    ctx.reader === 'customer'
      ? 'Too many orders from this device just now. Please order at the counter, or try again in a minute.'
      : `Too many tries just now; try again in ${p.retryAfterSeconds} s`,
  items_limited: (p, ctx) => `One device may order up to ${p.limit} items a minute. ${counter(ctx)} in ${p.retryAfterSeconds} s.`,
  share_limited: (p, ctx) =>
    `One device may order up to ${p.limit} ${ctx.product?.(p.sku) ?? p.sku} in ${p.windowMinutes} minutes. ${counter(ctx)} in ${Math.ceil(p.retryAfterSeconds / 60)} min.`,
  too_many_handshakes: (p) => `Too many connections from this device; try again in ${p.retryAfterSeconds} s`,
  board_full: (_p, ctx) => `The kitchen is at capacity right now. ${counter(ctx)} in a few minutes.`,
  stale: (p) => (p.status ? `The order is ${status(p.status)} now; nothing was changed` : 'The order is gone; nothing was changed'),
  not_allowed: (p) =>
    p.action === 'undo' ? 'The order changed since; undo refused so as not to overwrite it' : `Cannot ${p.action} an order that is ${status(p.status)}`,
  sold_out: (p, ctx) => {
    const name = ctx.product?.(p.sku) ?? p.sku;
    return p.left === 0 ? `${name} is sold out today` : `Only ${p.left} ${name} left today`;
  },
  too_many_screens: (p) => `At most ${p.max} screens; remove one first`,
  undo_expired: (p) => `An action can be undone for ${p.seconds} s only`,
  store_refused: () => 'The hub could not store this',
  internal: () => 'Something went wrong on the hub',
  obs_error: (p) => `OBS refused ${p.request}`,
  obs_unavailable: () => 'OBS is not connected',
  obs_timeout: (p) => `OBS did not answer ${p.request} in time`,
  director_disabled: () => 'The camera director is off (OBS_URL is not set)',
  not_ready: () => 'The hub is starting; try again shortly',
  store_unavailable: () => 'The hub cannot reach its store; try again shortly',
};

export function errorWords(error: ApiError, ctx: WordsContext = {}): string {
  const words = WORDS[error.code] as (params: ApiError['params'], ctx: WordsContext) => string;
  return words(error.params, ctx);
}
