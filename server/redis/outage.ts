import { StoreUnavailableError } from '../board/store.js';

// What ioredis says when Redis is away, frozen or still loading: the store's outage, not a bug.
const OUTAGE =
  /Command timed out|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|^LOADING|^BUSY|^MASTERDOWN|^READONLY|^MISCONF|^OOM|^NOREPLICAS|^TRYAGAIN/;

/** True for an error that means "the state store cannot answer now" (503, retry), not a fault of the hub. */
export function isStoreOutage(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  return err instanceof Error && (OUTAGE.test(err.message) || err.name === 'MaxRetriesPerRequestError');
}
