// Photos and documents from the phone go to the agent as file parts of the next prompt, with their
// caption as text (a caption sends them at once). Size and type limits answer with a clear message.
// A file without a caption waits for the next message; the wait survives a restart of the bridge
// (the state keeps Telegram's file id, and the bytes are fetched again if they are not in memory).
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import type { PromptPart } from '../opencode/adapter';
import { chatKey, type StashedFile } from '../state-store';
import { downloadTelegramFile, FileTooLarge } from '../telegram/file-download';
import { escapeHtml } from '../telegram/format';
import type { Place } from '../telegram/messenger';
import { reply, sendPrompt } from './prompt';
import type { HeldMessage } from './stale';

/** OpenCode gets files inline (data: URLs); past this a prompt gets unwieldy. Telegram bots can download 20 MB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** A download from Telegram's file server that takes longer has stalled. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

const TEXT_LIKE =
  /^(text\/|application\/(json|xml|javascript|typescript|x-sh|x-yaml|yaml|toml|sql|x-python))/;
const ALLOWED = (mime: string): boolean =>
  mime.startsWith('image/') || mime === 'application/pdf' || TEXT_LIKE.test(mime);
/**
 * Labels Telegram gives many source files (it guesses from the extension: `.ts` is "video/mp2t",
 * `.go` or `.rs` are octet-stream). These are fetched and go as text/plain if they are text.
 */
const MAYBE_TEXT = new Set(['application/octet-stream', 'video/mp2t']);

export interface FileStash {
  /**
   * Hands the files waiting in this place to `send` (which sends the prompt they go with); they
   * stop waiting once it says the prompt reached OpenCode, so a failed send loses none of them.
   */
  sendWith(place: Place, send: (files: PromptPart[]) => Promise<boolean>): Promise<void>;
}

export interface FilesOptions {
  /** The stale-message rule (stale.ts): true when a captioned file waited too long to run. */
  holdIfStale?: (place: Place, held: HeldMessage, sentAtSeconds: number) => Promise<boolean>;
}

export function filesFeature(
  context: BridgeContext,
  options: FilesOptions = {},
): Feature & FileStash {
  /** Downloaded bytes of stashed files, by file id, so the next message need not fetch them again. */
  const downloaded = new Map<string, PromptPart>();
  const stashOf = (key: string): StashedFile[] => context.store.current.stashedFiles[key] ?? [];
  const setStash = (key: string, files: StashedFile[]): Promise<void> =>
    context.store.update((state) => {
      if (files.length > 0) state.stashedFiles[key] = files;
      else delete state.stashedFiles[key];
    });

  /** Parts for stashed files: from memory, or fetched again (after a restart). */
  const partsOf = async (place: Place, files: readonly StashedFile[]): Promise<PromptPart[]> => {
    const parts: PromptPart[] = [];
    for (const file of files) {
      let part = downloaded.get(file.fileId);
      if (!part) {
        try {
          part = filePart(file, await download(context, file.fileId));
        } catch (error) {
          await reply(
            context,
            place,
            `⚠️ Could not fetch ${escapeHtml(file.filename)} from Telegram again (${escapeHtml(toError(error).message)}); it was left out. Send it again if the agent needs it.`,
          );
          continue;
        }
      }
      parts.push(part);
    }
    return parts;
  };

  const receive = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const message = ctx.msg;
    if (!message) return;
    const photo = message.photo?.at(-1);
    const document = message.document;
    const fileId = photo?.file_id ?? document?.file_id;
    if (!fileId) return;
    const size = photo?.file_size ?? document?.file_size ?? 0;
    const filename = document?.file_name ?? `photo-${message.message_id}.jpg`;
    let mime = document?.mime_type ?? (photo ? 'image/jpeg' : 'application/octet-stream');
    if (size > MAX_FILE_BYTES) {
      await reply(
        context,
        place,
        `⚠️ ${escapeHtml(filename)} is ${megabytes(size)}; the limit is ${megabytes(MAX_FILE_BYTES)}. Nothing was sent.`,
        message.message_id,
      );
      return;
    }
    const wrongType = (): Promise<unknown> =>
      reply(
        context,
        place,
        `⚠️ ${escapeHtml(filename)} is ${escapeHtml(mime)}; the agent takes images, PDFs and text files. Nothing was sent.`,
        message.message_id,
      );
    if (!ALLOWED(mime) && !MAYBE_TEXT.has(mime)) {
      await wrongType();
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await download(context, fileId);
    } catch (error) {
      if (error instanceof FileTooLarge) {
        await reply(
          context,
          place,
          `⚠️ ${escapeHtml(filename)} is over ${megabytes(MAX_FILE_BYTES)}. Nothing was sent.`,
          message.message_id,
        );
        return;
      }
      await reply(
        context,
        place,
        `⚠️ Could not fetch ${escapeHtml(filename)} from Telegram: ${escapeHtml(toError(error).message)}`,
        message.message_id,
      );
      return;
    }
    if (bytes.length > MAX_FILE_BYTES) {
      await reply(
        context,
        place,
        `⚠️ ${escapeHtml(filename)} is over ${megabytes(MAX_FILE_BYTES)}. Nothing was sent.`,
        message.message_id,
      );
      return;
    }
    if (!ALLOWED(mime)) {
      if (!looksLikeText(bytes)) {
        await wrongType();
        return;
      }
      mime = 'text/plain';
    }
    const file: StashedFile = { fileId, filename, mime };
    const part = filePart(file, bytes);
    const key = chatKey(place.chatId, place.threadId);
    const caption = message.caption?.trim();
    const stash = async (): Promise<void> => {
      downloaded.set(fileId, part);
      await setStash(key, [...stashOf(key), file]);
    };
    if (caption) {
      const held: HeldMessage = { kind: 'caption', text: caption, messageId: message.message_id };
      // Held like a stale prompt: the file waits in the chat and goes when the user taps Run.
      if (options.holdIfStale && (await options.holdIfStale(place, held, message.date))) {
        await stash();
        return;
      }
      await sendWith(place, (waiting) =>
        sendPrompt(
          context,
          place,
          [...waiting, part, { type: 'text', text: caption }],
          message.message_id,
          ctx.update.update_id,
        ),
      );
      return;
    }
    await stash();
    await reply(
      context,
      place,
      `📎 Got ${escapeHtml(filename)}; it goes with your next message.`,
      message.message_id,
    );
  };

  const sendWith: FileStash['sendWith'] = async (place, send) => {
    const key = chatKey(place.chatId, place.threadId);
    const files = stashOf(key);
    if (!(await send(await partsOf(place, files))) || files.length === 0) return;
    for (const file of files) downloaded.delete(file.fileId);
    // Files that arrived while this prompt was on its way keep waiting.
    await setStash(
      key,
      stashOf(key).filter((f) => !files.some((sent) => sent.fileId === f.fileId)),
    );
  };

  return {
    install(bot) {
      bot.on(['message:photo', 'message:document'], receive);
    },
    sendWith,
    sizes: () => ({ 'files.downloaded': downloaded.size }),
  };
}

function filePart(file: StashedFile, bytes: Buffer): PromptPart {
  return {
    type: 'file',
    mime: file.mime,
    filename: file.filename,
    url: `data:${file.mime};base64,${bytes.toString('base64')}`,
  };
}

/** Fetches a file the user sent, by its Telegram file id (streamed, capped, timed out). */
export function download(context: BridgeContext, fileId: string): Promise<Buffer> {
  return downloadTelegramFile(fileId, {
    api: context.api,
    apiRoot: context.settings.telegramApiRoot,
    token: context.settings.telegramBotToken,
    maxBytes: MAX_FILE_BYTES,
    timeoutMs: DOWNLOAD_TIMEOUT_MS,
  });
}

/** UTF-8 without NUL bytes: source code and logs, not archives or executables. */
function looksLikeText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Rounded up, so a file just over the limit never reads as "10.0 MB; the limit is 10.0 MB". */
function megabytes(bytes: number): string {
  return `${(Math.ceil((bytes / 1024 / 1024) * 10) / 10).toFixed(1)} MB`;
}
