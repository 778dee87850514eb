import { z } from 'zod';
import { label } from './common.js';
import type { ScreenInfo } from './display.js';
import type { Alert, FigurePoint, ProductionFigures } from './insight.js';
import { OrderStatus, type Order } from './order.js';

/** Staff prove themselves with the store's PIN; the name goes into every log line of what they do. */
export const StaffLogin = z
  .object({
    pin: z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits'),
    name: label(32).optional(),
  })
  .strict();
export type StaffLogin = z.infer<typeof StaffLogin>;

export const STAFF_ACTIONS = ['advance', 'recall', 'cancel'] as const;
export const StaffAction = z.enum(STAFF_ACTIONS);
export type StaffAction = z.infer<typeof StaffAction>;

/**
 * The body of a staff order action: `from` is the status the person saw when they tapped. The hub acts only
 * while the order is still in it, else answers 409 `stale` with the status it is in. Optional for scripts,
 * which then have no protection against acting twice.
 */
export const StaffActionRequest = z.object({ from: OrderStatus.optional() }).strict();
export type StaffActionRequest = z.infer<typeof StaffActionRequest>;

export const UndoRequest = z.object({ undo: z.string().regex(/^[\w-]{8,64}$/, 'must be the undo id an action returned') }).strict();

export interface StaffActionResult {
  order: Order;
  /** Pass back to `POST /api/staff/undo` before `undoUntil` to take the action back. */
  undo: string;
  undoUntil: number;
}

export interface LateOrder {
  id: string;
  number: string;
  /** When it was promised; past this it is late. */
  dueAt: number;
}

/** Everything the console shows beyond the public board, pushed on `/staff`. */
export interface ConsoleState {
  who: string;
  /** When each order on the board is due, by id. */
  dueAt: Record<string, number>;
  late: LateOrder[];
  /** Orders taken off the board lately (picked up or cancelled), newest first: the ones staff may recall. */
  finished: Order[];
  screens: ScreenInfo[];
  figures: ProductionFigures;
  /** One point a minute for the last hours, and one for now: the console's small charts. */
  series: FigurePoint[];
  alerts: Alert[];
  /** Set-up problems staff should fix (a phone cannot open the kiosk's QR codes, …). */
  warnings: SetupWarning[];
}

/** A set-up problem, as a code: the console words it. */
export interface SetupWarning {
  code: 'public_url_loopback' | 'kiosk_on_loopback';
  params: { address: string };
}
