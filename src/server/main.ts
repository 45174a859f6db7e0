/**
 * Command-line entry: reads configuration, starts the server, prints where to play, and stops
 * gracefully on SIGINT/SIGTERM (clients are told to come back; positions and chat are saved).
 */
import { ConfigError, HELP, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startTetherServer } from './tether-server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // One line, no stack: the operator mistyped something.
      const message = (err as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
      process.stderr.write(`tether: ${message} (try --help)\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config === 'help') {
    process.stdout.write(HELP);
    return;
  }
  let server;
  try {
    server = await startTetherServer(config);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const why = e.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use (try --port)` : e.message;
    process.stderr.write(`tether: cannot start: ${why}\n`);
    process.exit(1);
  }
  process.stdout.write(`\nTether is running. Open ${server.url}/ in two browser tabs and play.\n\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`tether: ${signal}: saving and telling players to reconnect...\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    server.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Last resort. Handlers, ticks and socket events already contain their own errors (closing at
  // most one client); anything that still escapes is logged with its stack. A stray rejected
  // promise is not worth a restart; an uncaught exception leaves the process in an unknown
  // state, so it saves what it can and exits non-zero for the supervisor to restart it.
  const logger = createLogger(config.logLevel === 'silent' ? 'error' : config.logLevel);
  process.on('unhandledRejection', (err) => {
    logger.log('error', 'unhandled_rejection', { err: err instanceof Error ? err.stack : String(err) });
  });
  process.on('uncaughtException', (err) => {
    logger.log('error', 'uncaught_exception', { err: err.stack ?? String(err) });
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(1), 3000).unref();
    server.stop().then(() => process.exit(1), () => process.exit(1));
  });
}

void main();
