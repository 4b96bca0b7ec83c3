// `npm start` fetches the Electron binary once when `npm install` skipped it. Nothing here
// downloads: the installer is a stub, or a stand-in install.js in a temporary electron folder.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decide,
  ensureElectron,
  installFailureReason,
  resolveElectronBinary,
  runElectronInstaller,
  type EnsureElectronDeps,
  type InstallResult,
} from '../../scripts/ensure-electron';

const base = { platform: 'darwin', skipDownload: false, electronVersion: '38.8.6' };

describe('decide', () => {
  it('runs when the binary is there, whatever else holds', () => {
    expect(decide({ ...base, binaryPresent: true })).toEqual({ action: 'run' });
    expect(decide({ ...base, binaryPresent: true, skipDownload: true })).toEqual({
      action: 'run',
    });
  });

  it('installs when it is missing on a Mac, and says so', () => {
    const d = decide({ ...base, binaryPresent: false });
    expect(d.action).toBe('install');
    expect(d).toHaveProperty('line', expect.stringContaining('fetching Electron 38.8.6 once'));
  });

  it('explains instead of installing when ELECTRON_SKIP_BINARY_DOWNLOAD is set', () => {
    const d = decide({ ...base, binaryPresent: false, skipDownload: true });
    expect(d.action).toBe('explain');
    expect(d).toHaveProperty('line', expect.stringContaining('ELECTRON_SKIP_BINARY_DOWNLOAD'));
  });

  it('explains on a platform Electron has no binary for', () => {
    const d = decide({ ...base, binaryPresent: false, platform: 'aix' });
    expect(d.action).toBe('explain');
    expect(d).toHaveProperty('line', expect.stringContaining('(aix)'));
  });
});

function stubbed(over: {
  present?: boolean;
  install?: InstallResult;
  env?: EnsureElectronDeps['env'];
}) {
  let present = over.present ?? false;
  const lines: string[] = [];
  const runInstaller = vi.fn(() => {
    if (over.install?.ok !== false) present = true;
    return Promise.resolve(over.install ?? { ok: true as const });
  });
  const deps: EnsureElectronDeps = {
    resolveBinary: () => (present ? '/x/dist/Electron.app/Contents/MacOS/Electron' : undefined),
    exists: () => present,
    runInstaller,
    say: (line) => lines.push(line),
    platform: 'darwin',
    env: over.env ?? {},
    electronVersion: '38.8.6',
  };
  return { deps, lines, runInstaller };
}

describe('ensureElectron', () => {
  it('binary present: no install, nothing said, exit 0', async () => {
    const { deps, lines, runInstaller } = stubbed({ present: true });
    expect(await ensureElectron(deps)).toBe(0);
    expect(runInstaller).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('binary missing: the installer runs once, one line says so, exit 0', async () => {
    const { deps, lines, runInstaller } = stubbed({});
    expect(await ensureElectron(deps)).toBe(0);
    expect(runInstaller).toHaveBeenCalledOnce();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/fetching Electron 38\.8\.6 once/);
  });

  it('download impossible: one clear line after the first, exit 1', async () => {
    const { deps, lines } = stubbed({
      install: { ok: false, reason: 'RequestError: getaddrinfo ENOTFOUND github.com' },
    });
    expect(await ensureElectron(deps)).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      'Could not download the Electron binary (RequestError: getaddrinfo ENOTFOUND github.com): npm start needs it once; check the network or set ELECTRON_MIRROR.',
    );
  });

  it('ELECTRON_SKIP_BINARY_DOWNLOAD set and binary missing: no install, one line, exit 1', async () => {
    const { deps, lines, runInstaller } = stubbed({ env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    expect(await ensureElectron(deps)).toBe(1);
    expect(runInstaller).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
  });

  it('installer says ok but the binary is still missing: one line, exit 1', async () => {
    const { deps, lines } = stubbed({});
    deps.exists = () => false;
    expect(await ensureElectron(deps)).toBe(1);
    expect(lines[1]).toMatch(/still missing/);
  });
});

describe('installFailureReason', () => {
  it('keeps the first line of the stack electron’s installer prints, never the frames', () => {
    const stack = [
      'RequestError: getaddrinfo ENOTFOUND github.com',
      '    at ClientRequest.<anonymous> (/x/node_modules/got/dist/source/core/index.js:970:111)',
      '    at Object.onceWrapper (node:events:634:26)',
    ].join('\n');
    expect(installFailureReason(stack, 1)).toBe('RequestError: getaddrinfo ENOTFOUND github.com');
  });

  it('names the exit code when the installer printed nothing', () => {
    expect(installFailureReason('', 7)).toBe('the installer exited with code 7');
  });

  it('drops a password from a mirror URL', () => {
    const reason = installFailureReason(
      'HTTPError: Response code 401 for https://me:hunter2@mirror.example/electron.zip',
      1,
    );
    expect(reason).not.toContain('hunter2');
    expect(reason).toContain('https://…@mirror.example/electron.zip');
  });
});

// A temporary node_modules/electron: electron's real index.js and package.json, and a stand-in
// install.js that either "downloads" (writes path.txt and the binary) or fails like the real one.
describe('with electron’s own path resolution and a stand-in installer', () => {
  const realElectron = path.dirname(
    createRequire(import.meta.url).resolve('electron/package.json'),
  );
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function fakeElectron(installJs: string): string {
    dir = mkdtempSync(path.join(tmpdir(), 'ensure-electron-'));
    const electronDir = path.join(dir, 'electron');
    mkdirSync(electronDir);
    copyFileSync(path.join(realElectron, 'index.js'), path.join(electronDir, 'index.js'));
    copyFileSync(path.join(realElectron, 'package.json'), path.join(electronDir, 'package.json'));
    writeFileSync(path.join(electronDir, 'install.js'), installJs);
    return electronDir;
  }

  const succeeds = `
    const fs = require('fs'), path = require('path');
    fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '');
    fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
  `;
  const fails = `
    const err = new Error('getaddrinfo ENOTFOUND github.com');
    err.name = 'RequestError';
    console.error(err.stack);
    process.exit(1);
  `;

  function shell(electronDir: string, lines: string[]): EnsureElectronDeps {
    return {
      resolveBinary: () => resolveElectronBinary(electronDir),
      exists: existsSync,
      runInstaller: () => runElectronInstaller(electronDir, { PATH: process.env['PATH'] }),
      say: (line) => lines.push(line),
      platform: 'linux',
      env: {},
      electronVersion: '38.8.6',
    };
  }

  it('no path.txt (what npm install leaves today): electron’s index.js throws, so missing', () => {
    const electronDir = fakeElectron(succeeds);
    expect(resolveElectronBinary(electronDir)).toBeUndefined();
  });

  it('missing, then installed: the installer runs, electron . can start', async () => {
    const electronDir = fakeElectron(succeeds);
    const lines: string[] = [];
    expect(await ensureElectron(shell(electronDir, lines))).toBe(0);
    expect(lines).toHaveLength(1);
    expect(resolveElectronBinary(electronDir)).toBe(path.join(electronDir, 'dist', 'electron'));
  });

  it('present: the installer does not run', async () => {
    const electronDir = fakeElectron(`require('fs').writeFileSync(__dirname + '/ran', '')`);
    mkdirSync(path.join(electronDir, 'dist'));
    writeFileSync(path.join(electronDir, 'dist', 'electron'), '');
    writeFileSync(path.join(electronDir, 'path.txt'), 'electron');
    const lines: string[] = [];
    expect(await ensureElectron(shell(electronDir, lines))).toBe(0);
    expect(lines).toEqual([]);
    expect(existsSync(path.join(electronDir, 'ran'))).toBe(false);
  });

  it('download fails: one line with the reason, no stack frames, exit 1', async () => {
    const electronDir = fakeElectron(fails);
    const lines: string[] = [];
    expect(await ensureElectron(shell(electronDir, lines))).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('(RequestError: getaddrinfo ENOTFOUND github.com)');
    expect(lines.join('\n')).not.toMatch(/\n\s+at /);
  });
});
