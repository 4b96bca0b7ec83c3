import { describe, expect, it } from 'vitest';
import { truncateForStreaming, visibleLength } from '../../main/core/telegram/format';
import { tailWindow } from '../../main/core/telegram/format/truncate';
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

describe('tailWindow (the part of a long answer the live message is cut from)', () => {
  const html = '<b>bold <i>both</i> &amp; 😀 <a href="https://x.example/?a=1&amp;b=2">link</a></b>';
  const at = (text: string): number => html.indexOf(text);
  it.each<[name: string, from: number, reopened: string, start: number]>([
    ['reopens the tags open at the start', at('oth</i>'), '<b><i>', at('oth</i>')],
    ['moves back out of an entity', at('&amp; ') + 2, '<b>', at('&amp; ')],
    ['moves back out of a surrogate pair', at('😀') + 1, '<b>', at('😀')],
    ['moves back out of a tag', at('href'), '<b>', at('<a ')],
    ['treats an entity inside a tag as part of the tag', at('amp;b') + 1, '<b>', at('<a ')],
  ])('%s', (_name, from, reopened, start) => {
    expect(tailWindow(html, from)).toBe(reopened + html.slice(start));
  });
});
