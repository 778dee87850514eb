import { z } from 'zod';

/** Which way a locale's text runs: a right-to-left locale mirrors every page (`dir="rtl"` on <html>). */
export const TextDirection = z.enum(['ltr', 'rtl']);
export type TextDirection = z.infer<typeof TextDirection>;

/**
 * The store's words as the hub resolved them at start: its locale, the shipped catalogue of that locale
 * (or English) with the store's overrides applied, every message checked. Every page gets this from the hub
 * (the board, tracker and console in `hello.display.text`, the kiosk in its `kiosk` state) and carries no
 * words of its own.
 */
export const StoreText = z.object({
  locale: z.string().min(2).max(35).default('en'),
  dir: TextDirection.default('ltr'),
  /** Catalogue key → ICU message (shared/text/message-format.ts). */
  messages: z.record(z.string(), z.string()).default({}),
});
export type StoreText = z.infer<typeof StoreText>;
