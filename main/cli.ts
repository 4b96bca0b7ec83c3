// `npm run bridge`: the headless bridge. Configuration comes from the environment; logs go to
// stdout one line each; SIGTERM/SIGINT stop it cleanly.
import os from 'node:os';
import { createBridge } from './core/bridge';
import { settingsFromEnv } from './core/config';
import { ConfigError } from './core/errors';
import type { LogEntry } from './core/status';
import { createLogHub, formatLogLine } from './core/log';
import { RepeatCounter } from './core/log-repeats';

const STOP_TIMEOUT_MS = 8_000;

async function main(): Promise<void> {
  let settings;
  try {
    settings = settingsFromEnv({
      env: process.env,
      platform: process.platform,
      homeDir: os.homedir(),
      cwd: process.cwd(),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`opencode-bridge: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const hub = createLogHub({
    minLevel: process.env['BRIDGE_LOG_LEVEL'] === 'debug' ? 'debug' : 'info',
  });
  // Unbuffered: one write per line, so a supervisor or a pipe sees each line as it happens. A
  // flood of one line prints its first lines, then its count once a minute.
  const repeats = new RepeatCounter();
  const print = (entries: LogEntry[]): void => {
    for (const entry of entries) process.stdout.write(`${formatLogLine(entry)}\n`);
  };
  hub.addSink((entry) => print(repeats.add(entry)));
  setInterval(() => print(repeats.flush(Date.now())), 5_000).unref();
  const bridge = createBridge(settings, { logHub: hub });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    hub.logger('bridge').info(`${signal} received; stopping.`);
    const force = setTimeout(() => process.exit(1), STOP_TIMEOUT_MS);
    force.unref();
    void bridge.stop().then(() => {
      print(repeats.drain(Date.now()));
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  bridge.onStatus((status) => {
    if (status.telegram.kind === 'error' && status.telegram.fatal) {
      // A rejected token cannot recover by itself: exit so a supervisor shows the failure.
      void bridge.stop().then(() => process.exit(3));
    }
  });
  await bridge.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`opencode-bridge: ${(error as Error).message}\n`);
  process.exit(1);
});
