// Builds the window (renderer/) into out/renderer with relative asset paths, so it loads from
// file:// inside the packaged app.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: path.resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, 'out', 'renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    // Keep the CSP simple: no inline module-preload polyfill.
    modulePreload: { polyfill: false },
  },
});
