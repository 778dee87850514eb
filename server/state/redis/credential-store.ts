import type { Redis } from 'ioredis';
import { z } from 'zod';
import { parseJson } from '../../../shared/parse-json.js';
import { StoredCredentials, type CredentialName, type CredentialStore } from '../credential-store.js';

const KEY = 'batchboard:credentials';

/** On Redis: one hash that every hub reads, so all hubs accept the same token and PIN. */
export class RedisCredentialStore implements CredentialStore {
  readonly where = `Redis key ${KEY}`;
  constructor(private readonly redis: Redis) {}
  async read(): Promise<StoredCredentials> {
    const raw = await this.redis.hgetall(KEY);
    // Each field holds JSON: a field that is not JSON fails like a wrong shape.
    const fields = Object.entries(raw).map(([k, v]) => [k, parseJson(z.unknown(), v)] as const);
    const parsed = StoredCredentials.safeParse(Object.fromEntries(fields));
    if (!parsed.success || fields.some(([, v]) => v === undefined)) throw new Error(`${this.where} does not hold credentials; delete it to make new ones`);
    return parsed.data;
  }
  async keepFirst<K extends CredentialName>(name: K, value: NonNullable<StoredCredentials[K]>): Promise<NonNullable<StoredCredentials[K]>> {
    await this.redis.hsetnx(KEY, name, JSON.stringify(value));
    const kept = (await this.read())[name];
    if (!kept) throw new Error(`${this.where}: ${name} vanished while it was being kept`);
    return kept;
  }
  async replace<K extends CredentialName>(name: K, value: NonNullable<StoredCredentials[K]>): Promise<void> {
    await this.redis.hset(KEY, name, JSON.stringify(value));
  }
}
