import { describe, expect, it } from 'vitest';
import { truncateForStreaming, visibleLength } from '../../main/core/telegram/format';
import { validateTelegramHtml } from './telegram-html-validator';

describe('truncateForStreaming', () => {
  it.each<[name: string, html: string, limit: number, shown: string]>([
    ['fits: unchanged', '<b>short</b>', 4096, '<b>short</b>'],
    ['starts at a line', 'line one\nline two\nline three', 14, '…\nline three'],
    [
      'code block reopened',
      '<pre><code class="language-ts">aaaa\nbbbb\ncccc</code></pre>',
      8,
      '…\n<pre><code class="language-ts">cccc</code></pre>',
    ],
    ['starts at a word', '<b>alpha beta gamma</b>', 9, '…<b>gamma</b>'],
    ['mid-word when it must', 'abcdefghij', 5, '…hij'],
    ['never splits a surrogate pair', '😀😀😀😀', 5, '…😀'],
    ['entities stay whole', '&lt;&lt;&lt;&lt;&lt;&lt;', 4, '…&lt;&lt;'],
  ])('%s', (_name, html, limit, shown) => {
    const result = truncateForStreaming(html, limit);
    expect(result).toBe(shown);
    expect(visibleLength(result)).toBeLessThanOrEqual(limit);
    expect(validateTelegramHtml(result, limit).errors).toEqual([]);
  });

  it('rejects a tiny limit', () => {
    expect(() => truncateForStreaming('abc', 2)).toThrow(RangeError);
  });
});
