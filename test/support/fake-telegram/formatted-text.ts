// Builds the final text + entities of a message or caption the way Telegram does: parse the
// parse_mode (or take explicit entities), trim surrounding whitespace, add the entities Telegram
// detects by itself (URLs, mentions, commands...), then check the length in UTF-16 units.
import type { MessageEntity } from 'grammy/types';
import { badRequest } from './errors';
import { parseHtml, sortEntities, type FormattedText } from './html-parser';

export interface TextInput {
  text: string;
  parseMode: string | undefined;
  entities: MessageEntity[] | undefined;
}

export const MESSAGE_TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export function formatMessageText(input: TextInput): FormattedText {
  const formatted = finish(parse(input));
  if (formatted.text.length === 0) throw badRequest('message text is empty');
  if (formatted.text.length > MESSAGE_TEXT_LIMIT) throw badRequest('message is too long');
  return formatted;
}

export function formatCaption(input: TextInput): FormattedText {
  const formatted = finish(parse(input));
  if (formatted.text.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
  return formatted;
}

/** Text typed by the fake user: no parse mode, only the entities Telegram detects. */
export function formatUserText(text: string): FormattedText {
  return finish({ text, entities: [] });
}

function parse({ text, parseMode, entities }: TextInput): FormattedText {
  const mode = parseMode ?? '';
  if (mode === '') return { text, entities: validateEntities(text, entities ?? []) };
  if (mode.toLowerCase() === 'html') return parseHtml(text);
  if (mode === 'MarkdownV2' || mode === 'Markdown') {
    // The bridge speaks HTML only; failing loudly beats silently mis-rendering.
    throw badRequest(`can't parse entities: ${mode} is not supported by the fake Bot API server`);
  }
  throw badRequest('unsupported parse_mode');
}

function validateEntities(text: string, entities: MessageEntity[]): MessageEntity[] {
  for (const entity of entities) {
    const { offset, length } = entity;
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length <= 0) {
      throw badRequest("can't parse entities: invalid entity offset or length");
    }
  }
  // Entities past the end of the text are cut, as Telegram does.
  return sortEntities(
    entities
      .map((e) => ({ ...e, length: Math.min(e.length, text.length - e.offset) }))
      .filter((e) => e.length > 0),
  );
}

function finish(formatted: FormattedText): FormattedText {
  const trimmed = trim(formatted);
  return { text: trimmed.text, entities: detectEntities(trimmed) };
}

const WHITESPACE = /\s/;

function trim({ text, entities }: FormattedText): FormattedText {
  let start = 0;
  let end = text.length;
  while (start < end && WHITESPACE.test(text[start]!)) start++;
  while (end > start && WHITESPACE.test(text[end - 1]!)) end--;
  if (start === 0 && end === text.length) return { text, entities };
  const kept: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) kept.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, end), entities: kept };
}

type AutoType = 'url' | 'email' | 'bot_command' | 'mention' | 'hashtag';

// Approximations of Telegram's own detectors; good enough for bridge-generated text.
const DETECTORS: Array<[AutoType, RegExp]> = [
  ['url', /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'}]/giu],
  ['email', /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/giu],
  ['bot_command', /(?<=^|\s)\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])/gu],
  ['mention', /(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@])/gu],
  ['hashtag', /(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu],
];

const OPAQUE = new Set(['code', 'pre', 'text_link', 'url', 'email']);

function detectEntities({ text, entities }: FormattedText): MessageEntity[] {
  const taken: Array<[number, number]> = entities
    .filter((e) => OPAQUE.has(e.type))
    .map((e) => [e.offset, e.offset + e.length]);
  const found: MessageEntity[] = [];
  for (const [type, pattern] of DETECTORS) {
    for (const match of text.matchAll(pattern)) {
      const from = match.index;
      const to = from + match[0].length;
      if (taken.some(([a, b]) => from < b && to > a)) continue;
      taken.push([from, to]);
      found.push({ type, offset: from, length: to - from });
    }
  }
  return sortEntities([...entities, ...found]);
}
