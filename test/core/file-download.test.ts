// Downloads from Telegram's file server stop at the size cap even when Telegram gave no file_size,
// and give up a download that stalls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTooLarge, downloadTelegramFile } from '../../main/core/telegram/file-download';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A file server; `serve` answers the download. Counts the bytes it managed to send. */
async function fileServer(serve: (res: http.ServerResponse, sent: (n: number) => void) => void) {
  let bytesSent = 0;
  const server = http.createServer((_req, res) => serve(res, (n) => (bytesSent += n)));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // getFile without file_size, as Telegram may answer.
  const api = {
    getFile: () =>
      Promise.resolve({ file_id: 'f', file_unique_id: 'u', file_path: 'documents/x.log' }),
  };
  return { apiRoot, api, sent: () => bytesSent };
}

const MB = 1024 * 1024;

describe('downloadTelegramFile', () => {
  it('stops reading an endless body past the cap when Telegram gave no size', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const files = await fileServer((res, sent) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = (): void => {
        while (res.write(chunk)) sent(chunk.length);
        sent(chunk.length);
      };
      res.on('drain', pump);
      res.on('error', () => undefined);
      pump();
    });
    const download = downloadTelegramFile('f', {
      api: files.api,
      apiRoot: files.apiRoot,
      token: '1:T',
      maxBytes: MB,
      timeoutMs: 60_000,
    });
    await expect(download).rejects.toBeInstanceOf(FileTooLarge);
    // Stopped near the cap, not after reading on (the server's buffers add a few MB at most).
    expect(files.sent()).toBeLessThan(16 * MB);
  });

  it('gives up a download that stalls', async () => {
    const files = await fileServer((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('the first bytes, then nothing');
    });
    await expect(
      downloadTelegramFile('f', {
        api: files.api,
        apiRoot: files.apiRoot,
        token: '1:T',
        maxBytes: MB,
        timeoutMs: 300,
      }),
    ).rejects.toThrow('the download took longer than 0.3 s');
  });

  it('returns a file within the cap whole', async () => {
    const files = await fileServer((res) => res.end('hello'));
    const bytes = await downloadTelegramFile('f', {
      api: files.api,
      apiRoot: files.apiRoot,
      token: '1:T',
      maxBytes: MB,
      timeoutMs: 60_000,
    });
    expect(bytes.toString()).toBe('hello');
  });
});
