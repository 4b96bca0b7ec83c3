// Before each event-stream connection: ask the server which OpenCode it is and whether its OpenAPI
// document has every route and event the bridge needs (the judgement is compatibility.ts). An
// incompatible server stops the connection with an error that says what to do; the stream retries
// it like any failure, so another server on that port is picked up without a restart.
import { OpencodeHttpError, OpencodeIncompatibleError, OpencodeNotJsonError } from '../errors';
import type { Logger } from '../log';
import type { OpencodeClient } from './client';
import type { ServerFacts, ServerSpec, Verdict } from './compatibility';
import { judgeServer, specOf } from './compatibility';

export interface ServerCheckOptions {
  client: Pick<OpencodeClient, 'baseUrl' | 'health' | 'apiHealth' | 'openapiDocument'>;
  log: Logger;
  setting: ServerFacts['setting'];
}

export class ServerCheck {
  /** Verdicts on complete documents, by version: a version's routes do not change, so no re-read. */
  private readonly accepted = new Map<string, Verdict>();
  private readonly warned = new Set<string>();

  constructor(private readonly options: ServerCheckOptions) {}

  /**
   * Resolves when the server may be used (or cannot be judged: then the event stream's own request
   * reports what is wrong); throws OpencodeIncompatibleError when it may not.
   */
  async check(signal?: AbortSignal): Promise<Verdict | undefined> {
    let verdict: Verdict | undefined;
    try {
      verdict = await this.judge(signal);
    } catch {
      return undefined; // unreachable, 401, timeout: the stream says it in its own words
    }
    if (verdict?.kind === 'incompatible') throw new OpencodeIncompatibleError(verdict.message);
    if (verdict?.kind === 'warning' && !this.warned.has(verdict.version)) {
      this.warned.add(verdict.version);
      this.options.log.warn(verdict.message);
    }
    return verdict;
  }

  private async judge(signal: AbortSignal | undefined): Promise<Verdict | undefined> {
    const { client, setting } = this.options;
    const health = await missingAsUndefined(client.health(signal));
    const accepted = health?.version !== undefined ? this.accepted.get(health.version) : undefined;
    if (accepted) return accepted;
    const apiHealth = health ? undefined : await missingAsUndefined(client.apiHealth(signal));
    const spec: ServerSpec | undefined = health
      ? specOf(await missingAsUndefined(client.openapiDocument(signal)))
      : undefined;
    const verdict = judgeServer({ url: client.baseUrl, health, apiHealth, spec, setting });
    if (verdict && verdict.kind !== 'incompatible' && spec && health?.version) {
      this.accepted.set(health.version, verdict);
    }
    return verdict;
  }
}

/** A route the server lacks answers 404, or (OpenCode 1.x) 200 with the web UI's HTML. */
async function missingAsUndefined<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof OpencodeNotJsonError) return undefined;
    if (error instanceof OpencodeHttpError && error.status === 404) return undefined;
    throw error;
  }
}
