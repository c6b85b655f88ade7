#!/usr/bin/env node
/** `flagline-relay`: start a relay from flags, FLAGLINE_* env vars or a JSON file; SIGTERM drains it. */
import { ConfigError, helpText, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { EXIT_RESTART, EXIT_UNFLUSHED, startRelay } from './relay.js';

async function main(): Promise<void> {
  const { config, help } = loadConfig(process.argv.slice(2), process.env);
  if (help) {
    process.stdout.write(helpText() + '\n');
    return;
  }
  const log = createLogger(config.logLevel);
  // Signals are handled from the start: one that arrives while the relay is still starting
  // (after its "listening" line, before startRelay resolves) stops it once started, cleanly.
  const started = startRelay(config, log);
  let stopping = false;
  const stop = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log.info('signal', { signal });
    started.then((relay) => relay.close()).then(
      ({ flushed }) => process.exit(code === 0 && !flushed ? EXIT_UNFLUSHED : code),
      (err: unknown) => {
        log.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  // A start that fails is reported by main's catch below.
  started.then(
    (relay) => relay.mustRestart.then(() => stop('must restart', EXIT_RESTART)),
    () => undefined,
  );
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by a parent with an IPC channel (a supervisor, the test harness): go when it goes.
  if (process.send) process.on('disconnect', () => stop('parent disconnected'));
  await started;
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'cannot start', error: message }) + '\n');
  process.exit(err instanceof ConfigError ? 2 : 1);
});
