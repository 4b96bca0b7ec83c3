// Retry delays after transient errors (network down, 5xx): capped exponential, with jitter.

export interface BackoffConfig {
  minMs: number;
  maxMs: number;
  /** Up to this fraction is added at random, so clients recovering together spread out. */
  jitter: number;
}

export const defaultBackoff: Readonly<BackoffConfig> = { minMs: 1000, maxMs: 30_000, jitter: 0.2 };

/** Delay before retry number `attempt` (1-based): min·2^(attempt−1), jittered, capped at max. */
export function backoffDelay(attempt: number, config: BackoffConfig, random01: number): number {
  const base = config.minMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(Math.min(config.maxMs, base * (1 + config.jitter * random01)));
}
