import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { childEnv } from '../../main/core/opencode/child-env';

const secret = (): string => randomBytes(18).toString('base64url');

describe('childEnv (the environment of the launched opencode serve)', () => {
  const token = `12345:${secret()}`;
  const password = secret();
  const parent = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/Users/ada',
    LANG: 'en_US.UTF-8',
    XDG_CONFIG_HOME: '/Users/ada/.config',
    OPENAI_API_KEY: 'sk-users-own-provider-key',
    ANTHROPIC_API_KEY: 'users-anthropic-key',
    OPENCODE_CONFIG_CONTENT: '{"model":"local/m1"}',
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_ALLOWED_USERS: '42',
    TELEGRAM_API_ROOT: 'https://api.telegram.org',
    BRIDGE_TRANSCRIBE_KEY: secret(),
    BRIDGE_STATE_DIR: '/tmp/state',
    OPENCODE_SERVER_PASSWORD: 'the-parents-own',
    OPENCODE_SERVER_USERNAME: 'someone',
    COPY_OF_TOKEN: token,
    PROXY_URL: `https://proxy.example/bot${token}/`,
    UNSET: undefined,
  };
  const env = childEnv(parent, { secrets: [token, password], username: 'opencode', password });

  it('keeps what OpenCode and the tools need, the user provider keys included', () => {
    expect(env).toMatchObject({
      PATH: parent.PATH,
      HOME: parent.HOME,
      LANG: parent.LANG,
      XDG_CONFIG_HOME: parent.XDG_CONFIG_HOME,
      OPENAI_API_KEY: parent.OPENAI_API_KEY,
      ANTHROPIC_API_KEY: parent.ANTHROPIC_API_KEY,
      OPENCODE_CONFIG_CONTENT: parent.OPENCODE_CONFIG_CONTENT,
    });
  });

  it('drops every TELEGRAM_* and BRIDGE_* variable', () => {
    expect(Object.keys(env).filter((name) => /^(TELEGRAM|BRIDGE)_/.test(name))).toEqual([]);
  });

  it('drops any variable whose value holds a secret the bridge was given', () => {
    expect(env).not.toHaveProperty('COPY_OF_TOKEN');
    expect(env).not.toHaveProperty('PROXY_URL');
    expect(Object.values(env).some((value) => value.includes(token))).toBe(false);
  });

  it('sets the server credentials from the bridge, not from its own environment', () => {
    expect(env['OPENCODE_SERVER_USERNAME']).toBe('opencode');
    expect(env['OPENCODE_SERVER_PASSWORD']).toBe(password);
    expect(Object.values(env)).not.toContain('the-parents-own');
    expect(env).not.toHaveProperty('UNSET');
  });

  it('matches a short secret only as a whole value, so PATH survives it', () => {
    const short = childEnv(
      { PATH: '/usr/bin:/bin', SHORT: 'bin' + 'x' },
      { secrets: ['binx', 'usr/'], username: 'u', password: 'p' },
    );
    expect(short['PATH']).toBe('/usr/bin:/bin');
    expect(short).not.toHaveProperty('SHORT');
  });
});
