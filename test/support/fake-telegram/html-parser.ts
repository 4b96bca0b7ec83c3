// Telegram's HTML parse mode, modelled on TDLib's parser (td/telegram/MessageEntity.cpp):
// same tag set, same attribute handling and the same error texts with UTF-8 byte offsets.
// Quirks kept on purpose: a bare `&` or `>` is literal text, a bare `<` starts a tag and fails,
// entity names need no trailing `;`, and `</>` closes whatever tag is open.
import type { MessageEntity } from 'grammy/types';
import { badRequest, type ApiError } from './errors';

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

const ALLOWED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

interface OpenTag {
  tag: string;
  argument: string;
  offset: number;
  expandable: boolean;
  /** Set on a `pre` when a `<code class="language-x">` directly inside it closes. */
  language?: string;
}

const isSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';

export const parseError = (what: string): ApiError => badRequest(`can't parse entities: ${what}`);

export function parseHtml(source: string): FormattedText {
  let out = '';
  const open: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  const at = (k: number): string => source[k] ?? '';
  const bytes = (k: number): number => Buffer.byteLength(source.slice(0, k), 'utf8');
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '&') {
      const decoded = decodeHtmlEntity(source, i);
      if (decoded) {
        out += decoded.char;
        i = decoded.end;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const begin = i++;
    if (at(i) !== '/') {
      while (at(i) !== '' && !isSpace(at(i)) && at(i) !== '>') i++;
      if (at(i) === '') throw parseError(`Unclosed start tag at byte offset ${bytes(begin)}`);
      const tag = source.slice(begin + 1, i).toLowerCase();
      if (!ALLOWED_TAGS.has(tag)) {
        throw parseError(`Unsupported start tag "${tag}" at byte offset ${bytes(begin)}`);
      }
      let argument = '';
      let expandable = false;
      while (at(i) !== '>') {
        while (isSpace(at(i))) i++;
        if (at(i) === '>') break;
        const nameBegin = i;
        while (at(i) !== '' && !isSpace(at(i)) && at(i) !== '=' && at(i) !== '>') i++;
        const attribute = source.slice(nameBegin, i).toLowerCase();
        if (attribute === '') {
          throw parseError(
            `Empty attribute name in the tag "${tag}" at byte offset ${bytes(begin)}`,
          );
        }
        while (isSpace(at(i))) i++;
        if (at(i) !== '=') {
          if (tag === 'blockquote' && attribute === 'expandable') {
            expandable = true;
            continue;
          }
          throw parseError(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${bytes(begin)}`,
          );
        }
        i++;
        while (isSpace(at(i))) i++;
        if (at(i) === '')
          throw parseError(`Unclosed start tag "${tag}" at byte offset ${bytes(begin)}`);
        let value = '';
        const quote = at(i);
        if (quote !== '"' && quote !== "'") {
          const tokenBegin = i;
          while (/[A-Za-z0-9.-]/.test(at(i))) i++;
          value = source.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== '>') {
            throw parseError(`Unexpected end of name token at byte offset ${bytes(tokenBegin)}`);
          }
        } else {
          i++;
          while (at(i) !== quote && at(i) !== '') {
            const decoded = at(i) === '&' ? decodeHtmlEntity(source, i) : undefined;
            if (decoded) {
              value += decoded.char;
              i = decoded.end;
            } else {
              value += at(i++);
            }
          }
          if (at(i) === quote) i++;
        }
        if (at(i) === '') throw parseError(`Unclosed start tag at byte offset ${bytes(begin)}`);
        if (tag === 'a' && attribute === 'href') argument = value;
        else if (tag === 'code' && attribute === 'class' && value.startsWith('language-')) {
          argument = value.slice('language-'.length);
        } else if (tag === 'span' && attribute === 'class' && value.startsWith('tg-')) {
          argument = value.slice('tg-'.length);
        } else if (tag === 'tg-emoji' && attribute === 'emoji-id') argument = value;
      }
      i++;
      if (tag === 'span' && argument !== 'spoiler') {
        throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${bytes(begin)}`);
      }
      open.push({ tag, argument, offset: out.length, expandable });
    } else {
      if (open.length === 0) throw parseError(`Unexpected end tag at byte offset ${bytes(begin)}`);
      while (at(i) !== '' && !isSpace(at(i)) && at(i) !== '>') i++;
      const endTag = source.slice(begin + 2, i).toLowerCase();
      while (isSpace(at(i))) i++;
      if (at(i) !== '>') throw parseError(`Unclosed end tag at byte offset ${bytes(begin)}`);
      i++;
      const entry = open.pop()!;
      if (endTag !== '' && endTag !== entry.tag) {
        throw parseError(
          `Unmatched end tag at byte offset ${bytes(begin)}, expected "</${entry.tag}>", found "</${endTag}>"`,
        );
      }
      const parent = open.at(-1);
      // `<pre><code class="language-x">` is one pre entity carrying the language.
      if (entry.tag === 'code' && parent?.tag === 'pre') {
        if (entry.argument !== '') parent.language = entry.argument;
        continue;
      }
      const length = out.length - entry.offset;
      const entity = length > 0 ? toEntity(entry, length) : undefined;
      if (entity) entities.push(entity);
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) {
    throw parseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  }
  return { text: out, entities: sortEntities(entities) };
}

function toEntity(tag: OpenTag, length: number): MessageEntity | undefined {
  const offset = tag.offset;
  switch (tag.tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', offset, length };
    case 'i':
    case 'em':
      return { type: 'italic', offset, length };
    case 'u':
    case 'ins':
      return { type: 'underline', offset, length };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', offset, length };
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', offset, length };
    case 'code':
      return { type: 'code', offset, length };
    case 'pre':
      return tag.language
        ? { type: 'pre', offset, length, language: tag.language }
        : { type: 'pre', offset, length };
    case 'a':
      // Telegram silently drops links whose URL it can't use.
      return tag.argument === ''
        ? undefined
        : { type: 'text_link', offset, length, url: tag.argument };
    case 'tg-emoji':
      return tag.argument === ''
        ? undefined
        : { type: 'custom_emoji', offset, length, custom_emoji_id: tag.argument };
    case 'blockquote':
      return { type: tag.expandable ? 'expandable_blockquote' : 'blockquote', offset, length };
    default:
      return undefined;
  }
}

/** `&lt; &gt; &amp; &quot;` and numeric references; the `;` is optional, as in TDLib. */
function decodeHtmlEntity(text: string, pos: number): { char: string; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (text[end] === '#') {
    end++;
    const hex = text[end] === 'x' || text[end] === 'X';
    if (hex) end++;
    const digit = hex ? /[0-9a-fA-F]/ : /[0-9]/;
    const digitsBegin = end;
    while (end < text.length && digit.test(text[end]!)) {
      end++;
      if (end - digitsBegin > 8) return undefined;
    }
    code = parseInt(text.slice(digitsBegin, end), hex ? 16 : 10);
    if (!(code > 0) || code >= 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  } else {
    while (end < text.length && /[A-Za-z]/.test(text[end]!)) end++;
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    const value = named[text.slice(pos + 1, end)];
    if (value === undefined) return undefined;
    code = value;
  }
  if (text[end] === ';') end++;
  return { char: String.fromCodePoint(code), end };
}

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}
