// Builds everything the Electron app loads into out/:
//   out/main/index.cjs      main process (esbuild, CJS, node; electron stays external)
//   out/preload/index.cjs   sandboxed preload (one CJS file: sandboxed preloads cannot load ESM)
//   out/renderer/           the window (Vite)
//   out/assets/             tray template images (electron-builder packs only out/**)
// Run: npx tsx scripts/build.ts [--production]
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { build as esbuild, type BuildOptions } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'out');
const production = process.argv.includes('--production');

const common: BuildOptions = {
  bundle: true,
  format: 'cjs',
  // Electron 38 ships Node 22 and Chromium 140.
  target: 'node22',
  external: ['electron'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

async function main(): Promise<void> {
  await rm(out, { recursive: true, force: true });

  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'main', 'index.ts')],
    outfile: path.join(out, 'main', 'index.cjs'),
    platform: 'node',
    // ESM-only dependencies (electron-store, conf) read import.meta.url; give them the CJS file's.
    define: { ...common.define, 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });

  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'preload', 'index.ts')],
    outfile: path.join(out, 'preload', 'index.cjs'),
    platform: 'node',
  });

  await viteBuild({
    configFile: path.join(root, 'vite.renderer.config.mts'),
    mode: production ? 'production' : 'development',
    logLevel: 'warn',
  });

  await mkdir(path.join(out, 'assets'), { recursive: true });
  const trayImages = (await readdir(path.join(root, 'assets'))).filter((f) =>
    /^tray-.*\.png$/.test(f),
  );
  for (const file of trayImages) {
    await cp(path.join(root, 'assets', file), path.join(out, 'assets', file));
  }
  console.log(`Built main, preload, renderer and ${trayImages.length} tray images into ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
