import { describe, expect, it } from 'vitest';
import { ApiError } from '../support/fake-telegram/errors';
import { parseHtml } from '../support/fake-telegram/html-parser';

function errorOf(html: string): string {
  try {
    parseHtml(html);
  } catch (error) {
    if (error instanceof ApiError) return error.description;
    throw error;
  }
  throw new Error(`expected "${html}" to be rejected`);
}

describe('HTML parse mode', () => {
  it('builds nested entities with UTF-16 offsets', () => {
    const parsed = parseHtml(
      '😀 <b>bold <i>both</i></b> <a href="https://x.test/?a=1&amp;b=2">link</a>',
    );
    expect(parsed.text).toBe('😀 bold both link');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 3, length: 9 },
      { type: 'italic', offset: 8, length: 4 },
      { type: 'text_link', offset: 13, length: 4, url: 'https://x.test/?a=1&b=2' },
    ]);
  });

  it('supports every documented tag', () => {
    const parsed = parseHtml(
      '<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>' +
        '<span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler><code>j</code>' +
        '<pre><code class="language-ts">k</code></pre><pre>l</pre><blockquote>m</blockquote>' +
        '<blockquote expandable>n</blockquote><tg-emoji emoji-id="5368324170671202286">o</tg-emoji>',
    );
    expect(parsed.text).toBe('abcdefghijklmno');
    expect(parsed.entities.map((e) => e.type)).toEqual([
      'bold',
      'italic',
      'underline',
      'underline',
      'strikethrough',
      'strikethrough',
      'strikethrough',
      'spoiler',
      'spoiler',
      'code',
      'pre',
      'pre',
      'blockquote',
      'expandable_blockquote',
      'custom_emoji',
    ]);
    expect(parsed.entities[10]).toEqual({ type: 'pre', offset: 10, length: 1, language: 'ts' });
    expect(parsed.entities[11]).toEqual({ type: 'pre', offset: 11, length: 1 });
  });

  it('decodes the four named entities and numeric references; bare & and > are literal', () => {
    expect(parseHtml('&lt;a&gt; &amp; &quot; &#65;&#x42; AT&T 1 > 0 &nbsp;').text).toBe(
      '<a> & " AB AT&T 1 > 0 &nbsp;',
    );
  });

  it('rejects what Telegram rejects, with its messages', () => {
    expect(errorOf('<foo>x</foo>')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
    );
    expect(errorOf('é <p>x</p>')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 3',
    );
    expect(errorOf('<b>never closed')).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    expect(errorOf('<b><i>x</b></i>')).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
    expect(errorOf('1 < 2')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    );
    expect(errorOf('x</b>')).toBe(
      "Bad Request: can't parse entities: Unexpected end tag at byte offset 1",
    );
    expect(errorOf('<span>x</span>')).toBe(
      'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0',
    );
  });
});
