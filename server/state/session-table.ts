import { z } from 'zod';

export const Session = z.object({ who: z.string(), expiresAt: z.number() });
export type Session = z.infer<typeof Session>;

/** Staff sessions by the hash of their token (server/staff/sessions.ts makes and checks the tokens). */
export interface SessionTable {
  put(id: string, session: Session, ttlMs: number): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
  /** Ends every session (a PIN rotation); answers how many there were. */
  endAll(): Promise<number>;
}
