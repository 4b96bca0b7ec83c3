// Fault injection: a whole-server outage and one-shot failures per method.
import { ApiError } from './errors';

export interface InjectedFailure {
  error_code: number;
  description: string;
  retry_after?: number;
}

export class Faults {
  /** While on, every HTTP request is answered 502 Bad Gateway with nginx's HTML page. */
  outage = false;
  private readonly pending = new Map<string, InjectedFailure[]>();

  failNext(method: string, failure: InjectedFailure): void {
    const list = this.pending.get(method.toLowerCase()) ?? [];
    list.push(failure);
    this.pending.set(method.toLowerCase(), list);
  }

  take(method: string): ApiError | undefined {
    const failure = this.pending.get(method.toLowerCase())?.shift();
    if (!failure) return undefined;
    return new ApiError(
      failure.error_code,
      failure.description,
      failure.retry_after !== undefined ? { retry_after: failure.retry_after } : undefined,
    );
  }
}

// What Telegram's nginx front answers when the Bot API backend is down.
export const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n';
