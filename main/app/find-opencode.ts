// An app started from the menu bar gets launchd's bare PATH, not the one the user's shell builds,
// so `opencode` is looked for in order: the setting, the login shell's PATH, the usual install
// places. Everything that touches the system is injected.
import path from 'node:path';

export type ExecFile = (
  file: string,
  args: readonly string[],
  options: { timeoutMs: number; env: Record<string, string | undefined> },
) => Promise<{ stdout: string }>;

export interface FindOpencodeDeps {
  /** The user's setting; empty means "find it". May start with ~/. */
  configured: string;
  homeDir: string;
  env: Record<string, string | undefined>;
  exec: ExecFile;
  /** True when the path is an executable file. */
  isExecutable: (file: string) => Promise<boolean>;
  timeoutMs?: number;
}

export type FoundOpencode =
  | { found: true; path: string; source: 'setting' | 'login-shell' | 'install-dir' }
  | { found: false; reason: string };

const DEFAULT_TIMEOUT_MS = 5000;

export function expandHome(file: string, homeDir: string): string {
  if (file === '~') return homeDir;
  return file.startsWith('~/') ? path.join(homeDir, file.slice(2)) : file;
}

/** Where installers put `opencode`, most specific first. */
export function installDirs(homeDir: string): string[] {
  return [
    path.join(homeDir, '.opencode', 'bin'),
    '/opt/homebrew/bin',
    '/usr/local/bin',
    path.join(homeDir, '.local', 'bin'),
    path.join(homeDir, '.bun', 'bin'),
  ];
}

/** Interactive login shells may print banners; the answer is the last line that is a path. */
export function lastAbsolutePath(stdout: string): string | undefined {
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'));
  return lines.at(-1);
}

/** Only a plain absolute path to an existing shell is run; anything else falls back to zsh. */
export function loginShell(env: Record<string, string | undefined>): string {
  const shell = env['SHELL'];
  return shell !== undefined && /^\/[\w./-]+$/.test(shell) ? shell : '/bin/zsh';
}

export async function findOpencode(deps: FindOpencodeDeps): Promise<FoundOpencode> {
  const { homeDir, exec, isExecutable } = deps;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const configured = deps.configured.trim();

  if (configured !== '') {
    const file = expandHome(configured, homeDir);
    if (await isExecutable(file)) return { found: true, path: file, source: 'setting' };
    return {
      found: false,
      reason: `The opencode binary set in Settings is not executable: ${file}`,
    };
  }

  const shell = loginShell(deps.env);
  const askShell = async (command: string): Promise<string | undefined> => {
    try {
      const { stdout } = await exec(shell, ['-ilc', command], { timeoutMs, env: deps.env });
      return lastAbsolutePath(stdout);
    } catch {
      return undefined; // timeout, no such shell, non-zero exit: try the next place
    }
  };

  const fromShell = await askShell('command -v opencode');
  if (fromShell !== undefined && (await isExecutable(fromShell))) {
    return { found: true, path: fromShell, source: 'login-shell' };
  }

  for (const dir of installDirs(homeDir)) {
    const file = path.join(dir, 'opencode');
    if (await isExecutable(file)) return { found: true, path: file, source: 'install-dir' };
  }

  const npmPrefix = await askShell('npm prefix -g');
  if (npmPrefix !== undefined) {
    const file = path.join(npmPrefix, 'bin', 'opencode');
    if (await isExecutable(file)) return { found: true, path: file, source: 'install-dir' };
  }

  return {
    found: false,
    reason:
      'Could not find opencode (login shell PATH, ~/.opencode/bin, Homebrew, ~/.local/bin, ' +
      '~/.bun/bin, npm global). Install it or set its path in Settings.',
  };
}
