// Downloads a file the user sent from Telegram's file server. Telegram does not always say how big
// a file is (`file_size` is optional), so the body is read as a stream and dropped as soon as it
// passes the cap; a download that stalls is given up after a deadline.
import type { Api } from 'grammy';

/** The file is bigger than the cap: the download was stopped there. */
export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is over ${maxBytes} bytes`);
  }
}

export interface DownloadOptions {
  api: Pick<Api, 'getFile'>;
  apiRoot: string;
  token: string;
  maxBytes: number;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export async function downloadTelegramFile(
  fileId: string,
  options: DownloadOptions,
): Promise<Buffer> {
  const { maxBytes, timeoutMs } = options;
  const file = await options.api.getFile(fileId);
  if (!file.file_path) throw new Error('Telegram gave no download path');
  if (file.file_size !== undefined && file.file_size > maxBytes) throw new FileTooLarge(maxBytes);
  // The download URL contains the bot token: it is never logged, and errors below omit it.
  const url = `${options.apiRoot}/file/bot${options.token}/${file.file_path}`;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: abort.signal });
    if (!response.ok) throw new Error(`download failed with HTTP ${response.status}`);
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (length > maxBytes) throw new FileTooLarge(maxBytes);
    const chunks: Uint8Array[] = [];
    let total = 0;
    // Node's web streams are async-iterable; the DOM typings do not say so.
    const body = (response.body ?? []) as AsyncIterable<Uint8Array>;
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new FileTooLarge(maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (abort.signal.aborted) {
      throw new Error(`the download took longer than ${timeoutMs / 1000} s`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
    // Stops reading what is left of a body given up (too large), closing its connection.
    abort.abort();
  }
}
