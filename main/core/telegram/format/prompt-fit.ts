// Whether a prompt (permission, question) fits one Telegram message, and the shortened form when
// it does not: the caller then attaches the exact text as a file and says so in the message.
import { visibleLength } from './plain-text';
import { TELEGRAM_MESSAGE_LIMIT } from './split';
import { clipMarked } from './visible-text';

/** Room kept under a prompt for the outcome added when it is answered ("✅ Allowed once"…). */
export const OUTCOME_ROOM = 300;
export const PROMPT_LIMIT = TELEGRAM_MESSAGE_LIMIT - OUTCOME_ROOM;

/** Telegram counts the limit on the text after entity parsing, not on the HTML source. */
export function fitsPrompt(html: string): boolean {
  return visibleLength(html) <= PROMPT_LIMIT;
}

/**
 * `compose(body, shortened)` builds the message around `body` (marked plain text, escaped by
 * `compose`). The whole body when it fits; otherwise as much of its start as fits, with "…",
 * composed with `shortened` true so the message can say where the rest is.
 */
export function fitBody(
  body: string,
  compose: (body: string, shortened: boolean) => string,
): { html: string; shortened: boolean } {
  const whole = compose(body, false);
  if (fitsPrompt(whole)) return { html: whole, shortened: false };
  const room = PROMPT_LIMIT - visibleLength(compose('…', true));
  return { html: compose(`${clipMarked(body, room).text}…`, true), shortened: true };
}

/** Items one per line; as JSON when an item holds a line break, so the file stays exact. */
export function exactListText(items: readonly string[]): string {
  return items.some((item) => /[\r\n]/.test(item))
    ? `${JSON.stringify(items, null, 2)}\n`
    : items.join('\n');
}
