import type { ScreenSeen } from '../../shared/schemas/display.js';

/** The names staff added (name → when), and what the hubs saw of those screens. */
export interface ScreenRows {
  added: Map<string, number>;
  seen: ScreenSeen[];
}

/**
 * Where the screens staff added are kept, with what was seen of them. A row of what was seen is
 * written only for a name that is added, in the same step as the check: a screen that staff removed
 * (on any hub) cannot be written back by a hub that still holds it, and a name nobody added leaves
 * no trace, however many connect.
 */
export interface ScreenTable {
  /** Answers false when the name was already there. */
  add(name: string, at: number): Promise<boolean>;
  /** Forgets the name and what was seen of it; answers false when it was not there. */
  remove(name: string): Promise<boolean>;
  added(): Promise<Map<string, number>>;
  /** Writes the row if its name is added, else nothing. */
  putSeen(row: ScreenSeen): Promise<void>;
  rows(): Promise<ScreenRows>;
}
