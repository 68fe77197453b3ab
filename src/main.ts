/**
 * The process entry: load and validate the configuration (one line per problem, exit 1), run the sidecar, and shut
 * down cleanly on SIGTERM/SIGINT (jobs in flight go back to the outbox; nothing accepted is lost either way).
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createSidecar } from './sidecar.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`odoo-brevo-sidecar: invalid configuration\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  const sidecar = createSidecar(config, log);
  await sidecar.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    sidecar.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: { message: err.message } }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`odoo-brevo-sidecar: ${err.message}\n`);
  process.exit(1);
});
