import { describe, expect, it } from 'vitest';
import { htmlToPlainText, splitTelegramHtml } from '../../main/core/telegram/format';
import { validateTelegramHtml } from './telegram-html-validator';

const TS = '<pre><code class="language-ts">';

describe('splitTelegramHtml', () => {
  it.each<[name: string, html: string, limit: number, chunks: string[]]>([
    ['fits: unchanged', '<b>hi</b> there', 4096, ['<b>hi</b> there']],
    ['exactly the limit', 'abcd', 4, ['abcd']],
    ['paragraph, then line', 'aaaaaaa\n\nbbbbbbb\ncccc dd', 12, ['aaaaaaa', 'bbbbbbb', 'cccc dd']],
    ['line end loses to a fuller space break', 'aaaa\nbbbb cccc', 12, ['aaaa\nbbbb', 'cccc']],
    [
      'top-level block before code',
      'intro text\n\n<pre>x\ny</pre>',
      12,
      ['intro text', '<pre>x\ny</pre>'],
    ],
    [
      'code block closed and reopened',
      `${TS}line1\nline2\nline3</code></pre>`,
      12,
      [`${TS}line1\nline2</code></pre>`, `${TS}line3</code></pre>`],
    ],
    [
      'blank line inside code preferred over line end',
      `${TS}aaaaaa\n\nbbb\nccc</code></pre>`,
      11,
      [`${TS}aaaaaa</code></pre>`, `${TS}bbb\nccc</code></pre>`],
    ],
    ['bold across a space', '<b>alpha beta gamma</b>', 11, ['<b>alpha beta</b>', '<b>gamma</b>']],
    [
      'link reopened with its href',
      '<a href="https://e.com/?a=1&amp;b=2">one two</a>',
      4,
      [
        '<a href="https://e.com/?a=1&amp;b=2">one</a>',
        '<a href="https://e.com/?a=1&amp;b=2">two</a>',
      ],
    ],
    [
      'quote with code',
      '<blockquote>q1\n<pre>c1\nc2</pre></blockquote>',
      5,
      ['<blockquote>q1\n<pre>c1</pre></blockquote>', '<blockquote><pre>c2</pre></blockquote>'],
    ],
    ['mid-word as last resort', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['entities never split', '&lt;&lt;&lt;&lt;&lt;', 2, ['&lt;&lt;', '&lt;&lt;', '&lt;']],
    ['surrogate pairs never split', 'a😀b', 2, ['a', '😀', 'b']],
    ['emoji pairs fill by UTF-16 length', '😀😀😀', 4, ['😀😀', '😀']],
    ['ZWJ sequence kept together', 'ab👩‍💻', 6, ['ab', '👩‍💻']],
    ['combining mark stays with its letter', 'abcde\u0301f', 5, ['abcd', 'e\u0301f']],
    ['empty element after a cut is dropped', '<b>aaaa\n</b>bbbb', 5, ['<b>aaaa</b>', 'bbbb']],
    ['too-early break skipped', 'abcdef\n\ncccc dddd eeee', 16, ['abcdef\n\ncccc', 'dddd eeee']],
    ['the newline run at a break is trimmed', 'aaaa\n\n\nbbbb', 6, ['aaaa', 'bbbb']],
    [
      'one space trimmed, indentation kept',
      '<pre>aaaa   bbbb</pre>',
      6,
      ['<pre>aaaa  </pre>', '<pre>bbbb</pre>'],
    ],
    ['whitespace-only input', ' \n \n', 4096, []],
    ['empty input', '', 4096, []],
    ['tags only', '<b></b>', 4096, []],
  ])('%s', (_name, html, limit, chunks) => {
    const result = splitTelegramHtml(html, limit);
    expect(result).toEqual(chunks);
    for (const chunk of result) {
      expect(validateTelegramHtml(chunk, limit).errors).toEqual([]);
    }
  });

  it('rejects a limit below 1', () => {
    expect(() => splitTelegramHtml('abc', 0)).toThrow(RangeError);
    expect(() => splitTelegramHtml('abc', Number.NaN)).toThrow(RangeError);
  });

  it('splits a long code block into highlighted pieces on line ends', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `const v${i} = ${i} < 10 && ok;`);
    const html = `${TS}${lines.join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code></pre>`;
    const chunks = splitTelegramHtml(html, 4096);
    expect(chunks.length).toBe(3);
    for (const chunk of chunks) {
      expect(chunk.startsWith(TS)).toBe(true);
      expect(chunk.endsWith('</code></pre>')).toBe(true);
      expect(validateTelegramHtml(chunk).errors).toEqual([]);
      // Every piece holds whole lines.
      for (const line of htmlToPlainText(chunk).split('\n')) expect(lines).toContain(line);
    }
    expect(chunks.map(htmlToPlainText).join('\n')).toBe(lines.join('\n'));
  });
});
