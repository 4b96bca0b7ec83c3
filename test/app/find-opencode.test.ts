import { describe, expect, it, vi } from 'vitest';
import {
  findOpencode,
  lastAbsolutePath,
  loginShell,
  type ExecFile,
  type FindOpencodeDeps,
} from '../../main/app/find-opencode';

const HOME = '/Users/me';

function deps(over: Partial<FindOpencodeDeps> & { executables?: string[] } = {}) {
  const executables = new Set(over.executables ?? []);
  const exec = vi.fn<ExecFile>(() => Promise.reject(new Error('not found')));
  return {
    exec,
    deps: {
      configured: '',
      homeDir: HOME,
      env: { SHELL: '/bin/zsh' },
      exec,
      isExecutable: (file: string) => Promise.resolve(executables.has(file)),
      ...over,
    } satisfies FindOpencodeDeps,
  };
}

describe('findOpencode', () => {
  it('uses the setting first, expanding ~', async () => {
    const { deps: d, exec } = deps({
      configured: '~/bin/opencode',
      executables: [`${HOME}/bin/opencode`],
    });
    expect(await findOpencode(d)).toEqual({
      found: true,
      path: `${HOME}/bin/opencode`,
      source: 'setting',
    });
    expect(exec).not.toHaveBeenCalled();
  });

  it('says so when the configured binary is not executable', async () => {
    const result = await findOpencode(deps({ configured: '/nope/opencode' }).deps);
    expect(result).toMatchObject({
      found: false,
      reason: expect.stringContaining('/nope/opencode'),
    });
  });

  it("asks the login shell next, with a timeout, ignoring the shell's banner", async () => {
    const { deps: d, exec } = deps({
      executables: ['/Users/me/.volta/bin/opencode'],
      timeoutMs: 1234,
    });
    exec.mockResolvedValueOnce({ stdout: 'Welcome!\n/Users/me/.volta/bin/opencode\n' });
    expect(await findOpencode(d)).toEqual({
      found: true,
      path: '/Users/me/.volta/bin/opencode',
      source: 'login-shell',
    });
    expect(exec).toHaveBeenCalledWith('/bin/zsh', ['-ilc', 'command -v opencode'], {
      timeoutMs: 1234,
      env: { SHELL: '/bin/zsh' },
    });
  });

  it('falls back to the usual install places, in order', async () => {
    const { deps: d } = deps({
      executables: ['/usr/local/bin/opencode', `${HOME}/.bun/bin/opencode`],
    });
    expect(await findOpencode(d)).toEqual({
      found: true,
      path: '/usr/local/bin/opencode',
      source: 'install-dir',
    });
    const { deps: d2 } = deps({
      executables: [`${HOME}/.opencode/bin/opencode`, '/opt/homebrew/bin/opencode'],
    });
    expect(await findOpencode(d2)).toMatchObject({ path: `${HOME}/.opencode/bin/opencode` });
  });

  it("tries npm's global prefix last", async () => {
    const { deps: d, exec } = deps({ executables: ['/Users/me/.npm-global/bin/opencode'] });
    exec
      .mockRejectedValueOnce(new Error('timeout'))
      .mockResolvedValueOnce({ stdout: '/Users/me/.npm-global\n' });
    expect(await findOpencode(d)).toMatchObject({
      found: true,
      path: '/Users/me/.npm-global/bin/opencode',
    });
    expect(exec).toHaveBeenLastCalledWith('/bin/zsh', ['-ilc', 'npm prefix -g'], expect.anything());
  });

  it('explains when it finds nothing', async () => {
    expect(await findOpencode(deps().deps)).toMatchObject({
      found: false,
      reason: expect.stringContaining('set its path in Settings'),
    });
  });

  it('runs only a plain absolute $SHELL', () => {
    expect(loginShell({ SHELL: '/opt/homebrew/bin/fish' })).toBe('/opt/homebrew/bin/fish');
    expect(loginShell({ SHELL: 'zsh; rm -rf ~' })).toBe('/bin/zsh');
    expect(loginShell({})).toBe('/bin/zsh');
    expect(lastAbsolutePath('motd\n\n')).toBeUndefined();
  });
});
