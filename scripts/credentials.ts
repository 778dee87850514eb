// `npm run credentials -- rotate api-token|staff-pin`: makes a new API token or staff PIN, keeps its
// digest where the hub keeps it (DATA_DIR, or Redis with REDIS_URL), and prints it once.
import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../server/config.js';
import { FileCredentialStore, RedisCredentialStore, type CredentialStore } from '../server/state/credential-store.js';
import { newApiToken, newStaffPin } from '../server/credentials/credentials.js';
import { digestPin, digestToken } from '../server/credentials/digests.js';
import { endAllSessions } from '../server/staff/sessions.js';

const USAGE = 'usage: npm run credentials -- rotate api-token|staff-pin\n';

async function main(args: string[]): Promise<number> {
  const [verb, which] = args;
  if (verb !== 'rotate' || (which !== 'api-token' && which !== 'staff-pin')) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  const store: CredentialStore = redis ? new RedisCredentialStore(redis) : new FileCredentialStore(config.dataDir);
  try {
    if (which === 'api-token') {
      const token = newApiToken();
      await store.replace('apiToken', digestToken(token));
      process.stdout.write(`API_TOKEN=${token}\n`);
      if (config.apiToken) process.stderr.write('note: API_TOKEN is set in this environment; a hub started with it uses that instead.\n');
    } else {
      const pin = newStaffPin();
      await store.replace('staffPin', await digestPin(pin));
      process.stdout.write(`STAFF_PIN=${pin}\n`);
      // Whoever knew the old PIN is logged out too.
      const ended = await endAllSessions(redis ? { redis } : { dataDir: config.dataDir });
      process.stderr.write(`ended ${ended} staff session${ended === 1 ? '' : 's'}.\n`);
      if (config.staffPin) process.stderr.write('note: STAFF_PIN is set in this environment; a hub started with it uses that instead.\n');
    }
    process.stderr.write(`kept as a digest in ${store.where}; restart the hubs to use it.\n`);
    return 0;
  } finally {
    redis?.disconnect();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`batchboard credentials: ${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
