// `npm run bridge`: the headless bridge. Configuration comes from the environment; logs go to
// stdout one line each; SIGTERM/SIGINT stop it cleanly.
import os from 'node:os';
import { createBridge } from './core/bridge';
import { settingsFromEnv } from './core/config';
import { ConfigError } from './core/errors';
import type { LogEntry } from './core/status';
import { createLogHub, formatLogLine } from './core/log';
import { RepeatCounter } from './core/log-repeats';
import { installProcessGuard } from './core/process-guard';

const STOP_TIMEOUT_MS = 8_000;

// Module-wide so that even a crash message goes through the same redaction as the log lines.
const hub = createLogHub({
  minLevel: process.env['BRIDGE_LOG_LEVEL'] === 'debug' ? 'debug' : 'info',
});

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

  // Unbuffered: one write per line, so a supervisor or a pipe sees each line as it happens. A
  // flood of one line prints its first lines, then its count once a minute.
  const repeats = new RepeatCounter();
  const print = (entries: LogEntry[]): void => {
    for (const entry of entries)
      process.stdout.write(`${formatLogLine(entry)}
`);
  };
  hub.addSink((entry) => print(repeats.add(entry)));
  setInterval(() => print(repeats.flush(Date.now())), 5_000).unref();
  const bridge = createBridge(settings, { logHub: hub });
  const log = hub.logger('bridge');

  let stopping = false;
  /** Stops the bridge (at most STOP_TIMEOUT_MS) and exits with `code`; once, whoever asks. */
  const stopAndExit = (code: number): Promise<void> => {
    if (stopping) return Promise.resolve();
    stopping = true;
    const force = setTimeout(() => process.exit(code === 0 ? 1 : code), STOP_TIMEOUT_MS);
    force.unref();
    return bridge
      .stop()
      .catch((error: unknown) => log.error(`Stopping failed: ${(error as Error).message}`))
      .finally(() => {
        print(repeats.drain(Date.now()));
        process.exit(code);
      });
  };
  const shutdown = (signal: string): void => {
    if (stopping) return;
    log.info(`${signal} received; stopping.`);
    void stopAndExit(0);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  installProcessGuard({
    process,
    log,
    stop: () => stopAndExit(1),
    exit: (code) => process.exit(code),
  });

  bridge.onStatus((status) => {
    if (status.telegram.kind === 'error' && status.telegram.fatal) {
      // A rejected token cannot recover by itself: exit so a supervisor shows the failure.
      void stopAndExit(3);
    }
  });
  await bridge.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`opencode-bridge: ${hub.redact(String((error as Error).message))}\n`);
  process.exit(1);
});
