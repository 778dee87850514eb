// `npm run credentials -- rotate api-token|staff-pin`: makes a new API token or staff PIN, keeps its
// digest where the hub keeps it (DATA_DIR, or Redis with REDIS_URL), and prints it once.
import { ConfigError, loadConfig } from '../server/config.js';
import { newApiToken, newStaffPin } from '../server/credentials/credentials.js';
import { digestPin, digestToken } from '../server/credentials/digests.js';
import { openDeployment } from '../server/deployment.js';
import { pino } from 'pino';

const USAGE = 'usage: npm run credentials -- rotate api-token|staff-pin\n';

async function main(args: string[]): Promise<number> {
  const [verb, which] = args;
  if (verb !== 'rotate' || (which !== 'api-token' && which !== 'staff-pin')) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  // The hub's own state, as the hub opens it: the same place for the digests and the sessions, whichever it is.
  const { state } = openDeployment(config, pino({ level: 'warn' }, pino.destination(2)));
  const store = state.credentials;
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
      const ended = await state.sessions.endAll();
      process.stderr.write(`ended ${ended} staff session${ended === 1 ? '' : 's'}.\n`);
      if (config.staffPin) process.stderr.write('note: STAFF_PIN is set in this environment; a hub started with it uses that instead.\n');
    }
    process.stderr.write(`kept as a digest in ${store.where}; restart the hubs to use it.\n`);
    return 0;
  } finally {
    await state.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`batchboard credentials: ${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
