// Bookkeeping for cutting HTML into pieces: which tags are open at a cut, so each piece can close
// them at its end and the next can reopen them with the same attributes.
import type { HtmlPart, TagPart } from './html-units';

/** Applies a tag to the stack of open tags (in place). Stray closing tags are ignored. */
export function applyTag(stack: TagPart[], part: HtmlPart): void {
  if (part.kind === 'open') {
    stack.push(part);
  } else if (part.kind === 'close') {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i]?.name === part.name) {
        stack.splice(i, 1);
        return;
      }
    }
  }
}

export function reopenTags(stack: readonly TagPart[]): string {
  return stack.map((t) => t.raw).join('');
}

export function closeTags(stack: readonly TagPart[]): string {
  return stack
    .map((t) => `</${t.name}>`)
    .reverse()
    .join('');
}

/** The raw HTML of parts[from, to). */
export function rawOf(parts: readonly HtmlPart[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += parts[i]?.raw ?? '';
  return out;
}

const EMPTY_ELEMENT = /<([A-Za-z][A-Za-z0-9-]*)(?:\s[^>]*)?><\/\1>/g;

/** Drops elements left empty by a cut (e.g. `<b></b>`), innermost first. */
export function removeEmptyElements(html: string): string {
  let previous: string;
  let current = html;
  do {
    previous = current;
    current = current.replace(EMPTY_ELEMENT, '');
  } while (current !== previous);
  return current;
}
