// The text of inline Markdown tokens without any formatting, for places that cannot hold tags
// (table cells inside <pre>, link texts inside <a>'s restrictions, captions).
import type { Token } from 'marked';
import { decodeEntities } from './escape';

export function plainInline(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
        out +=
          'tokens' in token && Array.isArray(token.tokens)
            ? plainInline(token.tokens)
            : decodeEntities(String(token.text));
        break;
      case 'escape':
      case 'codespan':
        out += String(token.text);
        break;
      case 'br':
        out += ' ';
        break;
      case 'html':
        out += token.raw;
        break;
      case 'checkbox':
        break;
      default:
        out +=
          'tokens' in token && Array.isArray(token.tokens)
            ? plainInline(token.tokens)
            : 'text' in token && typeof token.text === 'string'
              ? token.text
              : token.raw;
    }
  }
  return out;
}
