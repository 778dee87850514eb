import { StoreUnavailableError } from './board-store.js';

/** Redis conditions that pass (loading, busy, read-only, full, failing to persist): an outage, not the input's fault. */
export const PASSING_CONDITION = /^(LOADING|BUSY|READONLY|MASTERDOWN|NOREPLICAS|OOM|TRYAGAIN|CLUSTERDOWN|MISCONF)\b/;

// What ioredis says when Redis is away or frozen: the store's outage, not a bug.
const CONNECTION = /Command timed out|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT/;

/** True for an error that means "the state store cannot answer now" (503, retry), not a fault of the hub. */
export function isStoreOutage(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  return err instanceof Error && (CONNECTION.test(err.message) || PASSING_CONDITION.test(err.message) || err.name === 'MaxRetriesPerRequestError');
}
