// Runs before `npm start`: makes sure the Electron binary is there, fetching it once with
// electron's own installer (node_modules/electron/install.js) when it is not.
// Why: package.json's allowScripts denies electron's postinstall, so `npm install` keeps working
// where the binary cannot be downloaded (CI, offline machines); the binary is then missing until
// something fetches it, and `electron .` would fail with "Electron failed to install correctly".
// Run: npx tsx scripts/ensure-electron.ts   (exit 0: ready to run; 1: one line says why not)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// The platforms electron's install.js knows a binary path for (its getPlatformPath).
const INSTALLABLE_PLATFORMS = new Set(['darwin', 'mas', 'linux', 'freebsd', 'openbsd', 'win32']);

export type Decision =
  { action: 'run' } | { action: 'install'; line: string } | { action: 'explain'; line: string };

export interface DecisionInput {
  /** The file electron's own index.js points at exists. */
  binaryPresent: boolean;
  platform: string;
  /** ELECTRON_SKIP_BINARY_DOWNLOAD is set: electron's installer would exit 0 and fetch nothing. */
  skipDownload: boolean;
  electronVersion: string;
}

export function decide(input: DecisionInput): Decision {
  if (input.binaryPresent) return { action: 'run' };
  if (!INSTALLABLE_PLATFORMS.has(input.platform)) {
    return {
      action: 'explain',
      line: `Electron has no binary for this platform (${input.platform}): npm start cannot run the app here; the headless bridge (npm run bridge) can.`,
    };
  }
  if (input.skipDownload) {
    return {
      action: 'explain',
      line: 'The Electron binary is missing and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so npm start will not fetch it: unset it and run npm start again.',
    };
  }
  return {
    action: 'install',
    line: `The Electron binary is not here yet: fetching Electron ${input.electronVersion} once with its own installer…`,
  };
}

export type InstallResult = { ok: true } | { ok: false; reason: string };

/** One line from what electron's installer printed when it failed: it prints `err.stack`. */
export function installFailureReason(stderr: string, exitCode: number | null): string {
  const first = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('at '));
  const reason = first ?? `the installer exited with code ${String(exitCode)}`;
  // A mirror URL may carry user:password; the error that names the URL must not.
  const clean = reason.replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//…@');
  return clean.length > 200 ? `${clean.slice(0, 199)}…` : clean;
}

export function failedDownloadLine(reason: string): string {
  return `Could not download the Electron binary (${reason}): npm start needs it once; check the network or set ELECTRON_MIRROR.`;
}

export interface EnsureElectronDeps {
  /** The binary path electron's own index.js resolves, or undefined when it throws. */
  resolveBinary: () => string | undefined;
  exists: (file: string) => boolean;
  runInstaller: () => Promise<InstallResult>;
  say: (line: string) => void;
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  electronVersion: string;
}

/** Returns the exit code: 0 when `electron .` can run. */
export async function ensureElectron(deps: EnsureElectronDeps): Promise<number> {
  const present = (): boolean => {
    const binary = deps.resolveBinary();
    return binary !== undefined && deps.exists(binary);
  };
  const decision = decide({
    binaryPresent: present(),
    platform: deps.platform,
    skipDownload: Boolean(deps.env['ELECTRON_SKIP_BINARY_DOWNLOAD']),
    electronVersion: deps.electronVersion,
  });
  if (decision.action === 'run') return 0;
  deps.say(decision.line);
  if (decision.action === 'explain') return 1;

  const result = await deps.runInstaller();
  if (!result.ok) {
    deps.say(failedDownloadLine(result.reason));
    return 1;
  }
  if (!present()) {
    deps.say(
      "Electron's installer finished but the binary is still missing: delete node_modules/electron and run npm install, then npm start.",
    );
    return 1;
  }
  return 0;
}

/** Asks electron's own index.js (which reads path.txt) where the binary is. */
export function resolveElectronBinary(electronDir: string): string | undefined {
  try {
    const binary: unknown = createRequire(path.join(electronDir, 'package.json'))(electronDir);
    return typeof binary === 'string' ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** Runs electron's install.js; its stderr (a stack trace on failure) is kept, not shown. */
export function runElectronInstaller(
  electronDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InstallResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
      cwd: electronDir,
      env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 64_000) stderr += chunk;
    });
    child.on('error', (err) => {
      resolve({ ok: false, reason: err.message });
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ ok: true });
      else if (signal !== null)
        resolve({ ok: false, reason: `the installer was stopped (${signal})` });
      else resolve({ ok: false, reason: installFailureReason(stderr, code) });
    });
  });
}

async function main(): Promise<number> {
  let electronDir: string;
  try {
    electronDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    console.error('Electron is not installed: run npm install first (dev dependencies included).');
    return 1;
  }
  const { version } = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return ensureElectron({
    resolveBinary: () => resolveElectronBinary(electronDir),
    exists: existsSync,
    runInstaller: () => runElectronInstaller(electronDir),
    say: (line) => console.error(line),
    platform: process.platform,
    env: process.env,
    electronVersion: version,
  });
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === import.meta.filename;
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(
        `Could not prepare Electron: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(1);
    },
  );
}
