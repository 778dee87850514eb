import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { replaceFile } from '../../files/durable-file.js';
import { parseJson } from '../../../shared/parse-json.js';
import { StoredCredentials, type CredentialName, type CredentialStore } from '../credential-store.js';

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
