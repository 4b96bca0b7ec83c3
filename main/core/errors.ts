// Errors the user can act on. Each message says what happened and what to do, and never
// contains a secret (URLs are shown without credentials).

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export class OpencodeError extends Error {
  override readonly name: string = 'OpencodeError';
}

/** The server could not be reached at all (refused, reset, DNS, timeout). */
export class OpencodeUnreachableError extends OpencodeError {
  override readonly name = 'OpencodeUnreachableError';
  constructor(
    readonly url: string,
    readonly detail: string,
  ) {
    super(`Cannot reach OpenCode at ${url} (${detail}). Is \`opencode serve\` running there?`);
  }
}

/** 401: the server has a password and ours is missing or wrong. */
export class OpencodeAuthError extends OpencodeError {
  override readonly name = 'OpencodeAuthError';
  constructor(readonly url: string) {
    super(
      `OpenCode at ${url} rejected our credentials (HTTP 401). Set OPENCODE_SERVER_PASSWORD ` +
        `(and OPENCODE_SERVER_USERNAME if it is not "opencode") to the server's password.`,
    );
  }
}

/** A route answered something other than JSON: usually the web UI's HTML for an unknown route. */
export class OpencodeNotJsonError extends OpencodeError {
  override readonly name = 'OpencodeNotJsonError';
  constructor(
    readonly url: string,
    readonly route: string,
    readonly contentType: string,
  ) {
    super(
      `OpenCode at ${url} answered ${route} with ${contentType || 'no content type'} instead of ` +
        `JSON: the server there is not OpenCode, or its version lacks this route (the bridge ` +
        `is tested with opencode 1.18.33).`,
    );
  }
}

/** The server answers, but it is not an OpenCode the bridge can work with (2.x, a route missing). */
export class OpencodeIncompatibleError extends OpencodeError {
  override readonly name = 'OpencodeIncompatibleError';
  /** Checked again this often: the fix is another server on that port, not a wait. */
  readonly retryAfterMs = 10_000;
}

export class OpencodeHttpError extends OpencodeError {
  override readonly name = 'OpencodeHttpError';
  constructor(
    readonly route: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`OpenCode answered ${route} with HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
  }
}

export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** The innermost cause's message: undici hides "ECONNREFUSED" behind "fetch failed". */
export function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  let message = toError(error).message;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code === 'ECONNREFUSED') return 'connection refused';
      if (code === 'ECONNRESET') return 'connection reset';
      // undici's socket errors carry words ("other side closed") worth more than the code.
      return code.startsWith('UND_ERR') && current.message ? current.message : code;
    }
    message = current.message || message;
    current = current.cause;
  }
  return message;
}
