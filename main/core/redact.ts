// The one place that knows the bridge's secrets and takes them out of text. Every string that
// leaves the core (log lines, status reasons, messages sent to Telegram) passes through the same
// `redact`, so an error that quotes a request URL (`…/bot<TOKEN>/getUpdates`) or an auth header
// cannot carry a secret to the window, the chat or a log file. Pure.

export const REDACTED = '[redacted]';
const MIN_SECRET_LENGTH = 4;

/**
 * The shape of a Telegram bot token (`<bot id>:<35 characters>`), redacted even when it was never
 * registered: a token from another bot, or one quoted by a proxy, is just as secret.
 */
const BOT_TOKEN_SHAPE = /(?<![0-9])\d{5,16}:[A-Za-z0-9_-]{30,}/g;

export interface SecretRegistry {
  /** Registers a value that must never leave the core. Short or empty values are ignored. */
  add(secret: string | undefined): void;
  /** The text with every registered secret, in every form it travels in, replaced. */
  redact: (text: string) => string;
  /** The registered secrets themselves (plain form), e.g. to keep them out of a child's env. */
  secrets(): readonly string[];
}

/** How a secret can appear in text: as is, URL-encoded, and base64 (Basic auth, `auth_token`). */
export function secretForms(secret: string): string[] {
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ]);
  return [...forms];
}

export function createSecretRegistry(): SecretRegistry {
  const plain = new Set<string>();
  // Longest first, so a form that contains another is replaced whole.
  let forms: string[] = [];

  return {
    add(secret) {
      if (!secret || secret.length < MIN_SECRET_LENGTH || plain.has(secret)) return;
      plain.add(secret);
      forms = [...new Set([...forms, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
    },
    redact(text) {
      let out = text;
      for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
      return out.replace(BOT_TOKEN_SHAPE, REDACTED);
    },
    secrets: () => [...plain],
  };
}

/**
 * A copy of `value` with `redact` applied to every string inside plain objects and arrays. Other
 * objects (a file to upload, a Buffer) are passed through untouched.
 */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)]),
    ) as T;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
