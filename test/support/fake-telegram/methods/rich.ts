// sendRichMessage and editMessageText with rich_message (Bot API 10.1): content given as exactly
// one of html, markdown or blocks, validated by rich-content.ts and stored as Message.rich_message
// plus a plain rendering (MessageVersion.rich) for assertions.
import type { MessageEntity } from 'grammy/types';
import {
  resolveChat,
  resolveReply,
  resolveThread,
  type MethodContext,
  type MethodHandler,
} from '../context';
import { badRequest, NOT_MODIFIED } from '../errors';
import { formatMessageText } from '../formatted-text';
import { canonical, createMessage, editMessage } from '../message-factory';
import type { Params } from '../params';
import { parseReplyMarkup } from '../reply-markup';
import { fail, validateRichBlocks, type RichContent } from '../rich-content';
import { richHtmlToBlocks } from '../rich-html';
import { richMarkdownToBlocks } from '../rich-markdown';
import type { RichVersion, StoredMessage } from '../store';

export interface ParsedRich extends RichContent {
  source: RichVersion['source'];
  isRtl: boolean;
}

/** The rich_message parameter, parsed and validated. */
export function parseRichMessage(params: Params, options: { draft: boolean }): ParsedRich {
  const input = params.optJson<Record<string, unknown>>('rich_message', 'rich message JSON object');
  if (typeof input !== 'object' || input === null) throw badRequest('rich_message is empty');
  const given = (['html', 'markdown', 'blocks'] as const).filter((f) => input[f] !== undefined);
  if (given.length !== 1) throw fail('notOne');
  const source = given[0]!;
  if (Array.isArray(input['media']) && input['media'].length > 0) {
    throw badRequest('media in rich messages is not supported by the fake Bot API server');
  }
  const value = input[source];
  if (source !== 'blocks' && typeof value !== 'string') throw fail('notOne');
  const blocks =
    source === 'html'
      ? richHtmlToBlocks(value as string)
      : source === 'markdown'
        ? richMarkdownToBlocks(value as string)
        : value;
  return { ...validateRichBlocks(blocks, options), source, isRtl: input['is_rtl'] === true };
}

function richField(rich: ParsedRich): Record<string, unknown> {
  return { blocks: rich.blocks, ...(rich.isRtl ? { is_rtl: true } : {}) };
}

function version(rich: ParsedRich): RichVersion {
  return { blocks: rich.blocks, plainText: rich.plainText, source: rich.source };
}

export const sendRichMessage: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  const thread = resolveThread(ctx, chat, params);
  const rich = parseRichMessage(params, { draft: false });
  const markup = parseReplyMarkup(params);
  const { replyTo, threadId } = resolveReply(ctx, chat, thread, params);
  const stored = createMessage(ctx.store, {
    chat,
    from: ctx.store.botUser,
    fromBot: true,
    threadId,
    replyTo,
    content: { rich_message: richField(rich) },
    text: undefined,
    html: undefined,
    entities: [],
    replyMarkup: markup.inline,
    rawReplyMarkup: markup.raw,
    now: ctx.now(),
  });
  stored.history.at(-1)!.rich = version(rich);
  return stored.message;
};

function editable(ctx: MethodContext, params: Params): StoredMessage {
  if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = resolveChat(ctx, params);
  const messageId = params.int('message_id', 'message identifier is not specified');
  const stored = ctx.store.message(chat.chat.id, messageId);
  if (!stored || stored.deleted) throw badRequest('message to edit not found');
  if (!stored.fromBot) throw badRequest("message can't be edited");
  return stored;
}

/**
 * editMessageText that also takes rich_message. Text ↔ rich edits both work (the docs do not
 * forbid them); text → text edits go to the original handler unchanged.
 */
export function richEditMessageText(textEdit: MethodHandler): MethodHandler {
  return (ctx, params) => {
    if (!params.has('rich_message')) {
      const target = editable(ctx, params);
      return target.history.at(-1)!.rich ? editToText(ctx, params, target) : textEdit(ctx, params);
    }
    const stored = editable(ctx, params);
    const current = stored.history.at(-1)!;
    if (current.text === undefined && !current.rich) {
      throw badRequest('there is no text in the message to edit');
    }
    const rich = parseRichMessage(params, { draft: false });
    const markup = parseReplyMarkup(params);
    if (
      current.rich &&
      canonical(current.rich.blocks) === canonical(rich.blocks) &&
      canonical(markup.inline) === canonical(current.replyMarkup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    const message = editMessage(stored, {
      content: { rich_message: richField(rich), text: undefined, entities: undefined },
      text: undefined,
      html: undefined,
      entities: [],
      replyMarkup: markup.inline,
      now: ctx.now(),
    });
    stored.history.at(-1)!.rich = version(rich);
    return message;
  };
}

function editToText(ctx: MethodContext, params: Params, stored: StoredMessage): unknown {
  const formatted = formatMessageText({
    text: params.optString('text') ?? '',
    parseMode: params.optString('parse_mode'),
    entities: params.optJson<MessageEntity[]>('entities', 'message entities JSON object'),
  });
  const markup = parseReplyMarkup(params);
  return editMessage(stored, {
    content: {
      rich_message: undefined,
      text: formatted.text,
      entities: formatted.entities.length > 0 ? formatted.entities : undefined,
    },
    text: formatted.text,
    html:
      params.optString('parse_mode')?.toLowerCase() === 'html'
        ? params.optString('text')
        : undefined,
    entities: formatted.entities,
    replyMarkup: markup.inline,
    now: ctx.now(),
  });
}
