// Reading a request body in the test servers (fake Bot API, fake transcription endpoint).
import type { IncomingMessage } from 'node:http';

/** The whole request body, or undefined as soon as it exceeds `maxBytes`. */
export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
