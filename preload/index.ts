// Sandboxed preload, bundled to one CJS file (sandboxed preloads cannot load ESM).
import { contextBridge, ipcRenderer } from 'electron';
import { createApi } from './api';

const api = createApi(ipcRenderer);

contextBridge.exposeInMainWorld('bridge', api);

export type BridgeApi = typeof api;
