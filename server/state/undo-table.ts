import { z } from 'zod';
import { Order } from '../../shared/schemas/order.js';

/** A staff action that may still be taken back: the order as it was, as the action left it, and until when. */
export const UndoEntry = z.object({ before: Order, after: Order, until: z.number() });
export type UndoEntry = z.infer<typeof UndoEntry>;

/**
 * Undo ids and what they take back (server/staff/commands.ts makes them). Kept with the hub's state, not in a
 * hub's memory: an Undo tapped after a restart, or on another hub of the store, still finds its action.
 */
export interface UndoTable {
  put(id: string, entry: UndoEntry, ttlMs: number): Promise<void>;
  get(id: string): Promise<UndoEntry | undefined>;
  delete(id: string): Promise<void>;
}
