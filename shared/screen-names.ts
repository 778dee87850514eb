/**
 * What a screen may call itself in its URL (`?screen=NAME&station=NAME`). Plain patterns, free of zod:
 * the hub's schemas and the display page (which must not ship zod) check the same thing.
 */

/** A screen's name, also what staff add on the console: 1–48 letters, digits, `.`, `_`, `-`. */
export const SCREEN_NAME = /^[\w.-]{1,48}$/;

/** A station a screen follows (an order's `station`): 1–64 letters, digits, `.`, `_`, `:`, `~`, `-`. */
export const STATION_NAME = /^[\w.:~-]{1,64}$/;
