// A BridgeHost that does what the test tells it; records the settings it was built with.
import { vi } from 'vitest';
import type { BridgeExtras } from '../../main/app/app-controller';
import type { BridgeHost, BridgeSettings } from '../../main/core/bridge-api';
import { initialStatus, type BridgeStatus, type LogEntry } from '../../main/core/status';

export class FakeBridge implements BridgeHost {
  static instances: FakeBridge[] = [];
  current: BridgeStatus = initialStatus;
  private statusListeners = new Set<(s: BridgeStatus) => void>();
  private logListeners = new Set<(e: LogEntry) => void>();

  constructor(
    readonly settings: BridgeSettings,
    readonly extras: BridgeExtras = {},
  ) {
    FakeBridge.instances.push(this);
  }

  start = vi.fn(async () => {
    await Promise.resolve();
    this.push({
      running: true,
      telegram: { kind: 'connected', botUsername: 'my_bot' },
      opencode: { kind: 'connected', url: 'http://127.0.0.1:4096', version: '1.18.33' },
      sessions: [],
    });
  });

  stop = vi.fn(async () => {
    await Promise.resolve();
    this.push(initialStatus);
  });

  reconnect = vi.fn();

  status(): BridgeStatus {
    return this.current;
  }

  onStatus(listener: (s: BridgeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onLog(listener: (e: LogEntry) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  push(status: BridgeStatus): void {
    this.current = status;
    for (const l of this.statusListeners) l(status);
  }

  log(message: string, level: LogEntry['level'] = 'info'): void {
    for (const l of this.logListeners) l({ time: Date.now(), level, scope: 'bridge', message });
  }
}

export const createFakeBridge = (settings: BridgeSettings, extras: BridgeExtras): FakeBridge =>
  new FakeBridge(settings, extras);
