// Composition root. The single-instance lock is the only thing that happens at import time.
import path from 'node:path';
import { app, dialog } from 'electron';
import { createBridge } from './core/bridge';
import { startApp } from './app/app-main';
import { claimSingleInstance } from './app/lifecycle';

if (claimSingleInstance(app)) {
  app
    .whenReady()
    .then(() => startApp({ createBridge, outDir: path.join(__dirname, '..') }))
    .catch((err: unknown) => {
      dialog.showErrorBox('OpenCode Bridge could not start', String(err));
      app.exit(1);
    });
}
