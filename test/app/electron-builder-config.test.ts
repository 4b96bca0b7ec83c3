// electron-builder.yml, read and checked by electron-builder's own loader and schema validator
// (the same code `npm run dist` runs), so a misspelt key fails here and not on the release Mac.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

type Config = Record<string, unknown> & {
  asar?: unknown;
  files?: unknown;
  electronFuses?: Record<string, unknown>;
  mac?: Record<string, unknown> & { extendInfo?: Record<string, unknown> };
};
interface LoadModule {
  getConfig(
    request: {
      packageKey: string;
      configFilename: string;
      projectDir: string;
      packageMetadata: { value: Promise<null> };
    },
    configPath: null,
  ): Promise<{ configFile: string | null; result: Config } | null>;
}
interface ConfigModule {
  validateConfiguration(
    config: Config,
    debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void },
  ): Promise<void>;
}

// app-builder-lib is electron-builder's own dependency: resolve it the way electron-builder does.
const fromBuilder = createRequire(
  createRequire(import.meta.url).resolve('electron-builder/package.json'),
);
const loader = fromBuilder('app-builder-lib/out/util/config/load.js') as LoadModule;
const validator = fromBuilder('app-builder-lib/out/util/config/config.js') as ConfigModule;
const validate = (config: Config): Promise<void> =>
  validator.validateConfiguration(config, { isEnabled: false, add: () => undefined });

let config: Config;
beforeAll(async () => {
  const loaded = await loader.getConfig(
    {
      packageKey: 'build',
      configFilename: 'electron-builder',
      projectDir: root,
      // The config lives in electron-builder.yml, not in package.json's "build".
      packageMetadata: { value: Promise.resolve(null) },
    },
    null,
  );
  expect(loaded?.configFile).toBe(path.join(root, 'electron-builder.yml'));
  config = loaded!.result;
});

describe('electron-builder.yml', () => {
  it('is valid for electron-builder, and its validator does reject a misspelt fuse', async () => {
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(
      validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }),
    ).rejects.toThrow(/does not match the API schema/);
  });

  it('flips the fuses that stop other processes running code as the signed app', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it('packs the app into an asar with its integrity recorded (onlyLoadAppFromAsar needs both)', () => {
    expect(config.asar).toBe(true);
    expect(config.mac?.['disableAsarIntegrity']).not.toBe(true);
    expect(config.files).toEqual(['out/**', 'package.json']);
  });

  it('keeps the macOS essentials: menu-bar only, hardened runtime, both architectures', () => {
    expect(config.mac?.extendInfo?.['LSUIElement']).toBe(true);
    expect(config.mac?.['hardenedRuntime']).toBe(true);
    expect(config.mac?.['entitlements']).toBe('assets/entitlements.mac.plist');
    expect(config.mac?.['entitlementsInherit']).toBe('assets/entitlements.mac.plist');
    expect(config.mac?.['target']).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
  });

  it('grants no entitlement that would let another process inject code (DYLD_*, unsigned libraries)', () => {
    const plist = readFileSync(path.join(root, 'assets', 'entitlements.mac.plist'), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual([
      'com.apple.security.cs.allow-jit',
      'com.apple.security.cs.allow-unsigned-executable-memory',
    ]);
  });
});

describe('package.json', () => {
  it('npm start makes sure the Electron binary is there before it builds and runs the app', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      allowScripts: Record<string, boolean>;
    };
    expect(pkg.scripts['start']).toMatch(/^tsx scripts\/ensure-electron\.ts && .*electron \.$/);
    // npm install must keep working where the binary cannot be downloaded.
    expect(pkg.allowScripts['electron']).toBe(false);
  });
});
