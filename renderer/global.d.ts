import type { BridgeApi } from '../preload/api';

declare global {
  interface Window {
    /** Exposed by the preload (contextBridge); the window's only way to reach main. */
    readonly bridge: BridgeApi;
  }
}
