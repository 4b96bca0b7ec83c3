// How the outbox reacts to a failed call. Duck-typed on grammY's error shapes so the outbox core
// never imports grammy (and works with any client that throws Bot API-shaped errors).

export type ErrorClass =
  /** 429: pause the concerned bucket for exactly this long, then retry the same job. */
  | { kind: 'rateLimited'; retryAfterSeconds: number }
  /** Network trouble or a Telegram 5xx: retry with backoff until it works (or stop()). */
  | { kind: 'transient' }
  /** Anything else (bad request, parse error, forbidden…): the caller must handle it. */
  | { kind: 'fatal' };

export type ErrorClassifier = (error: unknown) => ErrorClass;

// Low-level socket/DNS failures, in case a client surfaces them without grammY's HttpError wrapper.
const transientCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Default classifier: grammY `GrammyError` (error_code, parameters.retry_after) and `HttpError`. */
export const classifyTelegramError: ErrorClassifier = (error) => {
  if (!isRecord(error)) return { kind: 'fatal' };
  const code = error['error_code'];
  if (typeof code === 'number') {
    const parameters = error['parameters'];
    const retryAfter = isRecord(parameters) ? parameters['retry_after'] : undefined;
    if (code === 429 && typeof retryAfter === 'number' && retryAfter >= 0) {
      return { kind: 'rateLimited', retryAfterSeconds: retryAfter };
    }
    // A 429 without retry_after still means "later", just with no hint of when.
    if (code === 429 || code >= 500) return { kind: 'transient' };
    return { kind: 'fatal' };
  }
  if (error['name'] === 'HttpError') return { kind: 'transient' };
  const errno = error['code'];
  if (typeof errno === 'string' && transientCodes.has(errno)) return { kind: 'transient' };
  return { kind: 'fatal' };
};
