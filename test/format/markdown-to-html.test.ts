import { describe, expect, it } from 'vitest';
import { markdownToTelegramHtml } from '../../main/core/telegram/format';
import { validateTelegramHtml } from './telegram-html-validator';

const cases: Array<[name: string, markdown: string, html: string]> = [
  ['plain text', 'hello world', 'hello world'],
  ['paragraphs', 'one\n\n\n\ntwo', 'one\n\ntwo'],
  ['soft line break kept', 'one\ntwo', 'one\ntwo'],
  ['hard break (two spaces)', 'one  \ntwo', 'one\ntwo'],
  ['hard break (backslash)', 'one\\\ntwo', 'one\ntwo'],
  ['heading', '# Title\n\ntext', '<b>Title</b>\n\ntext'],
  ['setext heading', 'Title\n=====', '<b>Title</b>'],
  ['heading with inline', '## A `b` *c*', '<b>A <code>b</code> <i>c</i></b>'],
  ['strong / em / del', '**b** *i* _i_ ~~s~~', '<b>b</b> <i>i</i> <i>i</i> <s>s</s>'],
  ['nested emphasis', '***both***', '<i><b>both</b></i>'],
  ['codespan escaped', '`a<b>&c`', '<code>a&lt;b&gt;&amp;c</code>'],
  ['text escaped', 'a < b > c & d "q"', 'a &lt; b &gt; c &amp; d "q"'],
  ['backslash escapes', '\\*not em\\* \\<b\\>', '*not em* &lt;b&gt;'],
  ['telegram entities decoded once', '&amp; &lt; &#128512; &#x41;', '&amp; &lt; 😀 A'],
  ['other named entities stay literal', '&copy; &nbsp;', '&amp;copy; &amp;nbsp;'],
  [
    'inline raw html escaped',
    'a <span onclick="x">b</span>',
    'a &lt;span onclick="x"&gt;b&lt;/span&gt;',
  ],
  ['block raw html escaped', '<div>\nhi\n</div>', '&lt;div&gt;\nhi\n&lt;/div&gt;'],
  ['script never passes', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  [
    'fenced code with language',
    '```ts\nconst a = 1 < 2;\n```',
    '<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>',
  ],
  ['fenced code without language', '```\nplain\n```', '<pre>plain</pre>'],
  [
    'language sanitized',
    '```c++ title="x"\nint x;\n```',
    '<pre><code class="language-c++">int x;</code></pre>',
  ],
  ['language of only bad chars', '```<x>\ny\n```', '<pre><code class="language-x">y</code></pre>'],
  ['language fully stripped', '```"\'\ny\n```', '<pre>y</pre>'],
  ['indented code', 'para\n\n    code  here\n    more', 'para\n\n<pre>code  here\nmore</pre>'],
  ['tilde fence', '~~~py\nx = 1\n~~~', '<pre><code class="language-py">x = 1</code></pre>'],
  ['empty code block omitted', 'a\n\n```\n```\n\nb', 'a\n\nb'],
  ['link', '[site](https://example.com/a)', '<a href="https://example.com/a">site</a>'],
  [
    'link href quotes and ampersands escaped',
    '[q](https://e.com/?a=1&b="2")',
    '<a href="https://e.com/?a=1&amp;b=&quot;2&quot;">q</a>',
  ],
  ['link with formatting', '[**b** x](http://e.com)', '<a href="http://e.com"><b>b</b> x</a>'],
  ['codespan inside link is plain', '[`fn`](http://e.com)', '<a href="http://e.com">fn</a>'],
  ['empty link text uses url', '[](https://e.com)', '<a href="https://e.com">https://e.com</a>'],
  [
    'tg and mailto links',
    '[u](tg://user?id=1) [m](mailto:a@b.c)',
    '<a href="tg://user?id=1">u</a> <a href="mailto:a@b.c">m</a>',
  ],
  ['relative link → text only', '[file](./src/a.ts) [top](#x) [abs](/etc)', 'file top abs'],
  ['javascript link → text only', '[x](javascript:alert(1))', 'x'],
  ['data link → text only', '[x](data:text/html;base64,AAAA)', 'x'],
  ['other scheme → text (url)', '[open](file:///tmp/a.txt)', 'open (file:///tmp/a.txt)'],
  ['other scheme, same text', '[vscode://x](vscode://x)', 'vscode://x'],
  ['reference link', 'See [docs].\n\n[docs]: https://d.io', 'See <a href="https://d.io">docs</a>.'],
  [
    'bare url autolink',
    'go to https://e.com/x?a=1&b=2 now',
    'go to <a href="https://e.com/x?a=1&amp;b=2">https://e.com/x?a=1&amp;b=2</a> now',
  ],
  ['angle autolink', '<https://e.com>', '<a href="https://e.com">https://e.com</a>'],
  ['email autolink', '<me@e.com>', '<a href="mailto:me@e.com">me@e.com</a>'],
  ['www autolink', 'www.e.com', '<a href="http://www.e.com">www.e.com</a>'],
  ['image → link', '![a cat](https://e.com/c.png)', '<a href="https://e.com/c.png">a cat</a>'],
  ['image without alt', '![](https://e.com/c.png)', '<a href="https://e.com/c.png">image</a>'],
  ['relative image → alt', '![diagram](img/d.png)', 'diagram'],
  [
    'image inside link',
    '[![badge](https://b.io/x.svg)](https://ci.io)',
    '<a href="https://ci.io">badge</a>',
  ],
  ['bullet list', '- a\n- b\n* c', '• a\n• b\n\n• c'],
  ['ordered list', '1. a\n2. b\n3. c', '1. a\n2. b\n3. c'],
  ['ordered list start', '3. a\n4. b', '3. a\n4. b'],
  ['nested lists', '- a\n  - b\n    - c\n- d', '• a\n  • b\n    • c\n• d'],
  ['mixed nesting', '1. a\n   - b\n2. c', '1. a\n  • b\n2. c'],
  ['task list', '- [ ] todo\n- [x] done', '☐ todo\n☑ done'],
  ['ordered task list', '1. [x] done', '1. ☑ done'],
  ['loose list', '- a\n\n- b', '• a\n\n• b'],
  [
    'list item with code',
    '- run:\n\n  ```sh\n  ls\n  ```',
    '• run:\n\n<pre><code class="language-sh">ls</code></pre>',
  ],
  ['list item formatting', '- **b** `c`', '• <b>b</b> <code>c</code>'],
  ['blockquote', '> quoted\n> text', '<blockquote>quoted\ntext</blockquote>'],
  ['blockquote blocks', '> a\n>\n> b', '<blockquote>a\n\nb</blockquote>'],
  ['nested blockquote flattened', '> a\n>\n> > b', '<blockquote>a\n\nb</blockquote>'],
  [
    'code in blockquote',
    '> ```js\n> x\n> ```',
    '<blockquote><pre><code class="language-js">x</code></pre></blockquote>',
  ],
  ['hr', 'a\n\n---\n\nb', 'a\n\n———\n\nb'],
  [
    'table aligned',
    '| Name | Qty | Mid |\n|:-----|----:|:---:|\n| apple | 3 | x |\n| kiwi | 12 | yy |',
    '<pre>Name  | Qty | Mid\n------+-----+----\napple |   3 |  x\nkiwi  |  12 | yy</pre>',
  ],
  [
    'table cells plain and escaped',
    '| a | b |\n|---|---|\n| **x** & `<y>` | [l](https://e.com) |',
    '<pre>a       | b\n--------+--\nx &amp; &lt;y&gt; | l</pre>',
  ],
  ['emoji and cjk text', 'héllo 👋🏽 世界 🇩🇪', 'héllo 👋🏽 世界 🇩🇪'],
  ['whitespace only', '  \n\n  ', ''],
  ['empty', '', ''],
];

describe('markdownToTelegramHtml', () => {
  it.each(cases)('%s', (_name, markdown, html) => {
    expect(markdownToTelegramHtml(markdown)).toBe(html);
    if (html !== '') expect(validateTelegramHtml(html).errors).toEqual([]);
  });
});

describe('incomplete markdown while streaming', () => {
  const streaming: Array<[name: string, markdown: string, html: string]> = [
    [
      'unclosed fence',
      '```ts\nconst a = 1;\n\nfoo(',
      '<pre><code class="language-ts">const a = 1;\n\nfoo(</code></pre>',
    ],
    ['fence just opened', 'Intro\n\n```py\n', 'Intro'],
    ['fence with half language', 'Intro\n\n``', 'Intro\n\n``'],
    ['unclosed strong', 'a **bold', 'a **bold'],
    ['unclosed em', 'a *it', 'a *it'],
    ['unclosed codespan', 'call `foo(', 'call `foo('],
    ['unclosed link text', 'see [docs', 'see [docs'],
    [
      'unclosed link url',
      'see [docs](https://e.c',
      'see [docs](<a href="https://e.c">https://e.c</a>',
    ],
    ['half table', '| a | b |\n|--', '| a | b |\n|--'],
    ['half list', '- a\n- ', '• a\n•'],
    ['half html tag', 'x <div', 'x &lt;div'],
    ['lone entity start', 'a &am', 'a &amp;am'],
  ];
  it.each(streaming)('%s', (_name, markdown, html) => {
    expect(markdownToTelegramHtml(markdown)).toBe(html);
  });

  it('never throws and stays valid for every prefix of a rich answer', () => {
    const answer = [
      '# Plan',
      'Do **this** and *that* with `code` & [a link](https://e.com/?q=1&r=2).',
      '- [ ] step one\n- [x] step two\n  1. nested',
      '> note: <b>raw</b>',
      '```ts\nconst x: Array<string> = [];\nif (a && b) {}\n```',
      '| a | b |\n|---|:-:|\n| 1 | 2 |',
      'Done 🎉 — bye',
    ].join('\n\n');
    for (let i = 0; i <= answer.length; i++) {
      const html = markdownToTelegramHtml(answer.slice(0, i));
      if (html.trim() === '') continue;
      expect(validateTelegramHtml(html).errors, answer.slice(0, i)).toEqual([]);
    }
  });
});
