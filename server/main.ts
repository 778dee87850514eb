import { ConfigError, loadConfig, type Config } from './config.js';
import { startHub } from './hub.js';
import { createLogger } from './log.js';

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
if (config.apiTokenGenerated) {
  // Shown once, on the terminal only: writes are never open, and the token stays out of the JSON log.
  process.stderr.write(`\nbatchboard: API_TOKEN was not set; this run's token is:\n\n  ${config.apiToken}\n\n`);
}
if (config.staffPinGenerated) {
  process.stderr.write(`batchboard: STAFF_PIN was not set; this run's staff PIN is ${config.staffPin}\n\n`);
}
process.stderr.write(`batchboard: board at http://localhost:${hub.port}/display  (kiosk: /kiosk, staff: /staff, API: /api)\n`);

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
