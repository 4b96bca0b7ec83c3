// The headless bridge's last line of defence. Every promise in the core has a handler, so neither
// event below should ever fire; if one does, it is logged with its stack (through the log hub, so
// a token in the message is redacted) instead of ending the process with a raw crash message.
import type { Logger } from './log';

/** What the guard needs of `process`; tests pass an EventEmitter. */
export interface GuardedProcess {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

export interface ProcessGuardDeps {
  process: GuardedProcess;
  log: Logger;
  /** Stops the bridge cleanly (saves the state, stops the OpenCode server it launched). */
  stop: () => Promise<void>;
  exit: (code: number) => void;
}

export function installProcessGuard({ process, log, stop, exit }: ProcessGuardDeps): void {
  // A rejection nobody handled means one fire-and-forget task failed and is over; nothing was
  // interrupted half-way, so the bridge keeps serving every other chat.
  process.on('unhandledRejection', (reason) => {
    log.error(`Unhandled rejection (the bridge keeps running): ${describe(reason)}`);
  });

  // A throw nobody caught stopped some code in the middle of a change; Node's advice is not to
  // carry on with state that may be half-updated. Stopping cleanly still saves the state and
  // stops the OpenCode server this bridge launched (it would keep the port otherwise); `stop`
  // must be given a deadline by the caller. A second throw while stopping exits at once.
  let crashed = false;
  process.on('uncaughtException', (error) => {
    log.error(`Uncaught exception; stopping: ${describe(error)}`);
    if (crashed) return exit(1);
    crashed = true;
    void stop()
      .catch((stopError: unknown) => log.error(`Stopping failed: ${describe(stopError)}`))
      .finally(() => exit(1));
  });
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? `${reason.name}: ${reason.message}`;
  return String(reason);
}
