// What Telegram will display for a piece of HTML, used for length checks and as the plain-text
// fallback when Telegram still rejects the markup.
import { parseHtml } from './html-units';

export function htmlToPlainText(html: string): string {
  let out = '';
  for (const part of parseHtml(html)) if (part.kind === 'unit') out += part.text;
  return out;
}

/** Telegram's message limit counts UTF-16 code units of the text after entity parsing. */
export function visibleLength(html: string): number {
  return htmlToPlainText(html).length;
}
