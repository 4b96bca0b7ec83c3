// `npm start` fetches the Electron binary once when `npm install` skipped it. Nothing here
// reaches the network: the installer is a stub, or electron's real one fetching from a local mirror.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
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
import { platformBinaryPath, startFakeMirror, type FakeMirror } from './fake-electron-mirror';

const root = path.resolve(import.meta.dirname, '..', '..');
const scriptPath = path.join(root, 'scripts', 'ensure-electron.ts');

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

// Electron's real install.js (and @electron/get, extract-zip) in a temporary electron folder,
// fetching from a local ELECTRON_MIRROR: the whole first-run path of `npm start`, offline.
describe('with electron’s real installer and a local mirror', () => {
  const realElectron = path.dirname(
    createRequire(import.meta.url).resolve('electron/package.json'),
  );
  const version = (
    JSON.parse(readFileSync(path.join(realElectron, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  let dir = '';
  let mirror: FakeMirror | undefined;
  afterEach(async () => {
    await mirror?.close();
    mirror = undefined;
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  async function setUp(): Promise<{ electronDir: string; env: NodeJS.ProcessEnv }> {
    mirror = await startFakeMirror(version);
    dir = mkdtempSync(path.join(tmpdir(), 'ensure-electron-real-'));
    const electronDir = path.join(dir, 'electron');
    mkdirSync(electronDir);
    for (const file of ['index.js', 'install.js', 'package.json']) {
      copyFileSync(path.join(realElectron, file), path.join(electronDir, file));
    }
    // The fake zip's checksum, where electron's own checksums.json would have the real one.
    writeFileSync(
      path.join(electronDir, 'checksums.json'),
      JSON.stringify({ [mirror.fileName]: mirror.sha256 }),
    );
    const env = {
      PATH: process.env['PATH'],
      // install.js requires @electron/get and extract-zip: take the project's.
      NODE_PATH: path.join(realElectron, '..'),
      ELECTRON_MIRROR: mirror.url,
      electron_config_cache: path.join(dir, 'cache'),
    };
    return { electronDir, env };
  }

  function shell(electronDir: string, env: NodeJS.ProcessEnv, lines: string[]) {
    return {
      resolveBinary: () => resolveElectronBinary(electronDir),
      exists: existsSync,
      runInstaller: () => runElectronInstaller(electronDir, env),
      say: (line: string) => lines.push(line),
      platform: process.platform,
      env: {},
      electronVersion: version,
    } satisfies EnsureElectronDeps;
  }

  it('missing: fetches the binary once, then electron’s index.js finds it', async () => {
    const { electronDir, env } = await setUp();
    // What npm install leaves when it skips the postinstall: no path.txt, no dist/.
    expect(resolveElectronBinary(electronDir)).toBeUndefined();
    const lines: string[] = [];
    expect(await ensureElectron(shell(electronDir, env, lines))).toBe(0);
    expect(lines).toEqual([
      `The Electron binary is not here yet: fetching Electron ${version} once with its own installer…`,
    ]);
    expect(mirror?.requests).toEqual([`/v${version}/${mirror?.fileName}`]);
    expect(resolveElectronBinary(electronDir)).toBe(
      path.join(electronDir, 'dist', platformBinaryPath(process.platform)),
    );
    // A second npm start fetches nothing.
    expect(await ensureElectron(shell(electronDir, env, lines))).toBe(0);
    expect(mirror?.requests).toHaveLength(1);
    expect(lines).toHaveLength(1);
  });

  it('download impossible (mirror refuses): the terminal shows two lines, no stack, exit 1', async () => {
    const { electronDir, env } = await setUp();
    await mirror?.close();
    mirror = undefined;
    // In a child process, so that whatever reaches its stderr (installer's included) is seen.
    const code = `
      import { ensureElectron, resolveElectronBinary, runElectronInstaller } from ${JSON.stringify(scriptPath)};
      const dir = ${JSON.stringify(electronDir)};
      process.exitCode = await ensureElectron({
        resolveBinary: () => resolveElectronBinary(dir),
        exists: (await import('node:fs')).existsSync,
        runInstaller: () => runElectronInstaller(dir, ${JSON.stringify(env)}),
        say: (line) => console.error(line),
        platform: process.platform,
        env: {},
        electronVersion: ${JSON.stringify(version)},
      });`;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^Could not download the Electron binary \(RequestError: connect ECONNREFUSED 127\.0\.0\.1:\d+\): npm start needs it once; check the network or set ELECTRON_MIRROR\.$/,
    );
    expect(resolveElectronBinary(electronDir)).toBeUndefined();
  });
});
