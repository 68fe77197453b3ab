/**
 * The process entry: load and validate the configuration (one line per problem, exit 1), run the sidecar, and shut
 * down cleanly on SIGTERM/SIGINT: no new connection is accepted, requests and jobs in flight get
 * `process.shutdownSeconds` to finish, then the database is closed and the process exits 0. Jobs cut by the deadline
 * go back to the outbox; nothing accepted is lost either way.
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
  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal changes nothing: the shutdown is bounded anyway, and npm, tsx and a terminal may each pass on
    // the same Ctrl-C. SIGKILL is the way to skip the grace period (nothing accepted is lost by it either).
    if (stopping) return void log.info({ signal }, 'already shutting down');
    stopping = true;
    log.info({ signal, graceSeconds: config.process.shutdownSeconds }, 'shutting down: no new requests; finishing those in flight');
    sidecar.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: Error) => {
        log.error({ err: { message: err.message } }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: Error) => {
  process.stderr.write(`odoo-brevo-sidecar: ${err.message}\n`);
  process.exit(1);
});
