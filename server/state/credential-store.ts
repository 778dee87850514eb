import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { replaceFile } from '../files/durable-file.js';
import { PinDigest, TokenDigest } from '../credentials/digests.js';
import { parseJson } from '../../shared/parse-json.js';

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

const FILE = 'credentials.json';

/** Embedded: a file in DATA_DIR that only the hub's user can read (0600), replaced atomically. */
export class FileCredentialStore implements CredentialStore {
  readonly where: string;
  constructor(dataDir: string) {
    this.where = path.join(dataDir, FILE);
  }
  read(): Promise<StoredCredentials> {
    if (!existsSync(this.where)) return Promise.resolve({});
    const kept = parseJson(StoredCredentials, readFileSync(this.where, 'utf8'));
    if (!kept) return Promise.reject(new Error(`${this.where} is not a credentials file; move it away to make new credentials`));
    return Promise.resolve(kept);
  }
  async keepFirst<K extends CredentialName>(name: K, value: NonNullable<StoredCredentials[K]>): Promise<NonNullable<StoredCredentials[K]>> {
    const kept = await this.read();
    const existing = kept[name];
    if (existing) return existing;
    this.#write({ ...kept, [name]: value });
    return value;
  }
  async replace<K extends CredentialName>(name: K, value: NonNullable<StoredCredentials[K]>): Promise<void> {
    this.#write({ ...(await this.read()), [name]: value });
  }
  #write(all: StoredCredentials): void {
    replaceFile(this.where, JSON.stringify(all, null, 2), { private: true });
  }
}

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
