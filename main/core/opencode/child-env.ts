// The environment of the `opencode serve` the bridge launches. Every tool the agent runs (bash
// above all) inherits it, so it must not carry the bridge's own secrets: the bot token is one
// `env` away from a prompt otherwise. Pure.
//
// What stays: everything OpenCode and the user's tools need (PATH, HOME, XDG_*, LANG, proxies), and
// the user's provider credentials (OPENAI_API_KEY, ANTHROPIC_API_KEY, …): those are OpenCode's own
// configuration, and the agent cannot work without them.
// What goes: the bridge's settings (TELEGRAM_*, BRIDGE_*), the server credentials of the parent
// (replaced by the ones given here), and any variable whose value holds a secret the bridge knows.

/** Names that belong to the bridge, not to OpenCode. */
const BRIDGE_NAME = /^(TELEGRAM|BRIDGE)_/i;
/** Set below from the bridge's own values; a parent's copy must not leak or win. */
const SERVER_CREDENTIALS = new Set(['OPENCODE_SERVER_USERNAME', 'OPENCODE_SERVER_PASSWORD']);
/**
 * Below this length a secret is only matched as a whole value: a short password must not drop
 * PATH because it happens to be a substring of it.
 */
const MIN_CONTAINED_SECRET = 8;

export interface ChildEnvOptions {
  /** Values that no variable of the child may hold (the bot token, any other bridge secret). */
  secrets: readonly string[];
  /** The launched server's Basic-auth credentials. */
  username: string;
  password: string;
}

export function childEnv(
  parent: Readonly<Record<string, string | undefined>>,
  options: ChildEnvOptions,
): Record<string, string> {
  const secrets = options.secrets.filter((s) => s !== '');
  const holdsSecret = (value: string): boolean =>
    secrets.some((s) => value === s || (s.length >= MIN_CONTAINED_SECRET && value.includes(s)));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (BRIDGE_NAME.test(name) || SERVER_CREDENTIALS.has(name.toUpperCase())) continue;
    if (holdsSecret(value)) continue;
    env[name] = value;
  }
  env['OPENCODE_SERVER_USERNAME'] = options.username;
  env['OPENCODE_SERVER_PASSWORD'] = options.password;
  return env;
}
