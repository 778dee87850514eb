import { ConfigError, loadConfig, type Config } from './config.js';
import { startHub } from './hub.js';
import { createLogger } from './log.js';
import { pageAddresses } from './addresses.js';
import { credentialsNotice } from './credentials/notice.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`batchboard: ${err.message}\n`);
  process.exit(1);
}

const log = createLogger(config.logLevel, config.hubId);
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

const hub = await startHub(config, { log });
process.stderr.write(`\nbatchboard: ${config.shop.storeName} is open:\n${pageAddresses(hub.port, config.publicUrl, config.host)}`);
void hub.credentials.ready.then((made) => process.stderr.write(credentialsNotice(made, hub.credentials.where)));

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    hub.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
