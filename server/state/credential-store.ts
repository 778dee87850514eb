import { z } from 'zod';
import { PinDigest, TokenDigest } from '../credentials/digests.js';

/** The digests of the secrets the hub made itself (those given in env are never kept). */
export const StoredCredentials = z.object({ apiToken: TokenDigest.optional(), staffPin: PinDigest.optional() }).strict();
export type StoredCredentials = z.infer<typeof StoredCredentials>;
export type CredentialName = keyof StoredCredentials;

export interface CredentialStore {
  /** Where they are kept, for the operator: a file path or a Redis key. */
  readonly where: string;
  read(): Promise<StoredCredentials>;
  /** Keeps `value` unless one is already kept (another hub may have made it first); answers what is kept. */
  keepFirst<K extends CredentialName>(name: K, value: NonNullable<StoredCredentials[K]>): Promise<NonNullable<StoredCredentials[K]>>;
  /** Replaces what is kept (rotation). */
  replace<K extends CredentialName>(name: K, value: NonNullable<StoredCredentials[K]>): Promise<void>;
}
