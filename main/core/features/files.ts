// Photos and documents from the phone go to the agent as file parts of the next prompt, with their
// caption as text (a caption sends them at once). Size and type limits answer with a clear message.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import type { PromptPart } from '../opencode/client';
import { chatKey } from '../state-store';
import { escapeHtml } from '../telegram/format';
import type { Place } from '../telegram/messenger';
import { reply, sendPrompt } from './prompt';

/** OpenCode gets files inline (data: URLs); past this a prompt gets unwieldy. Telegram bots can download 20 MB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

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
  take(place: Place): PromptPart[];
}

export function filesFeature(context: BridgeContext): Feature & FileStash {
  /** Files waiting for the next text message, per chat place (in memory: a restart forgets them). */
  const stash = new Map<string, PromptPart[]>();

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
    const part: PromptPart = {
      type: 'file',
      mime,
      filename,
      url: `data:${mime};base64,${bytes.toString('base64')}`,
    };
    const key = chatKey(place.chatId, place.threadId);
    const caption = message.caption?.trim();
    if (caption) {
      const parts = [...(stash.get(key) ?? []), part, { type: 'text' as const, text: caption }];
      stash.delete(key);
      await sendPrompt(context, place, parts, message.message_id);
      return;
    }
    stash.set(key, [...(stash.get(key) ?? []), part]);
    await reply(
      context,
      place,
      `📎 Got ${escapeHtml(filename)}; it goes with your next message.`,
      message.message_id,
    );
  };

  return {
    install(bot) {
      bot.on(['message:photo', 'message:document'], receive);
    },
    take(place) {
      const key = chatKey(place.chatId, place.threadId);
      const parts = stash.get(key) ?? [];
      stash.delete(key);
      return parts;
    },
  };
}

async function download(context: BridgeContext, fileId: string): Promise<Buffer> {
  const file = await context.api.getFile(fileId);
  if (!file.file_path) throw new Error('Telegram gave no download path');
  // The download URL contains the bot token: it is never logged, and errors below omit it.
  const url = `${context.settings.telegramApiRoot}/file/bot${context.settings.telegramBotToken}/${file.file_path}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`download failed with HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
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
