import { describe, expect, it } from 'vitest';
import { htmlToPlainText, visibleLength } from '../../main/core/telegram/format';

describe('htmlToPlainText', () => {
  it.each([
    ['<b>a &amp; b</b> &lt;i&gt; &quot;q&quot;', 'a & b <i> "q"'],
    ['&#128512;&#x1F600;&#X41;', '😀😀A'],
    ['<pre><code class="language-ts">x &lt; y</code></pre>', 'x < y'],
    ['<a href="https://e.com/?a=1&amp;b=2">link</a>', 'link'],
    ['<blockquote expandable>q</blockquote>', 'q'],
    // Not Telegram entities: left as they are (Telegram would reject them anyway).
    ['&copy; &nbsp; a & b &#0; &#xD800;', '&copy; &nbsp; a & b &#0; &#xD800;'],
    ['&amp;lt;', '&lt;'],
    ['a < b', 'a < b'],
    ['', ''],
  ])('%j → %j', (html, text) => {
    expect(htmlToPlainText(html)).toBe(text);
  });
});

describe('visibleLength', () => {
  it('counts UTF-16 code units after entity decoding', () => {
    expect(visibleLength('<b>&lt;</b>')).toBe(1);
    expect(visibleLength('😀')).toBe(2);
    expect(visibleLength('&#128512;')).toBe(2);
    expect(visibleLength('<pre><code class="language-ts">abc</code></pre>')).toBe(3);
    expect(visibleLength('a\n\nb')).toBe(4);
  });
});
