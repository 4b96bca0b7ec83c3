import { describe, expect, it } from 'vitest';
import type { InputRichBlock } from 'grammy/types';
import {
  markdownToRichBlocks,
  measureBlocks,
  richDetails,
  richThinking,
  splitRichBlocks,
} from '../../main/core/telegram/format';
import { richPlainText, validateRichBlocks } from '../support/fake-telegram/rich-content';

const plain = (blocks: InputRichBlock[]) => validateRichBlocks(blocks, { draft: true }).plainText;

describe('markdownToRichBlocks', () => {
  it('renders headings, nested lists, code with language, quotes and tables as blocks', () => {
    const blocks = markdownToRichBlocks(
      [
        '## Plan **now**',
        '1. read\n   - the *code*\n2. [x] done',
        '```ts title="a.ts"\nconst a = 1 < 2;\n```',
        '> quoted `x`',
        '| k | v |\n|:-|-:|\n| a | 1 |',
      ].join('\n\n'),
    );
    expect(blocks[0]).toEqual({
      type: 'heading',
      size: 2,
      text: ['Plan ', { type: 'bold', text: 'now' }],
    });
    expect(blocks[1]).toEqual({
      type: 'list',
      items: [
        {
          blocks: [
            { type: 'paragraph', text: 'read' },
            {
              type: 'list',
              items: [
                {
                  blocks: [{ type: 'paragraph', text: ['the ', { type: 'italic', text: 'code' }] }],
                },
              ],
            },
          ],
          value: 1,
          type: '1',
        },
        {
          blocks: [{ type: 'paragraph', text: 'done' }],
          has_checkbox: true,
          is_checked: true,
          value: 2,
          type: '1',
        },
      ],
    });
    expect(blocks[2]).toEqual({ type: 'pre', text: 'const a = 1 < 2;', language: 'ts' });
    expect(blocks[3]).toEqual({
      type: 'blockquote',
      blocks: [{ type: 'paragraph', text: ['quoted ', { type: 'code', text: 'x' }] }],
    });
    expect(blocks[4]).toEqual({
      type: 'table',
      is_bordered: true,
      cells: [
        [
          { text: 'k', is_header: true, align: 'left', valign: 'top' },
          { text: 'v', is_header: true, align: 'right', valign: 'top' },
        ],
        [
          { text: 'a', align: 'left', valign: 'top' },
          { text: '1', align: 'right', valign: 'top' },
        ],
      ],
    });
    expect(plain(blocks)).toBe(
      'Plan now\n\n1. read\n• the code\n2. done\n\nconst a = 1 < 2;\n\nquoted x\n\nk | v\na | 1',
    );
  });

  it('keeps raw HTML and Telegram markdown syntax as literal text', () => {
    const blocks = markdownToRichBlocks(
      'a <div>b</div> ==not mark== ||no spoiler|| $x$ &amp; &copy;',
    );
    expect(blocks).toEqual([
      { type: 'paragraph', text: 'a <div>b</div> ==not mark== ||no spoiler|| $x$ & &copy;' },
    ]);
  });

  it('links safe URLs only, as the HTML path does', () => {
    const [p] = markdownToRichBlocks(
      '[docs](https://e.com/a?b=1) [x](javascript:alert(1)) [f](file:///etc/hosts) [r](./a.ts)',
    );
    expect(p).toEqual({
      type: 'paragraph',
      text: [
        { type: 'url', text: 'docs', url: 'https://e.com/a?b=1' },
        ' x f (file:///etc/hosts) r',
      ],
    });
  });

  it('turns <details><summary> into a collapsible block', () => {
    const blocks = markdownToRichBlocks(
      '<details open>\n<summary>Tools (2)</summary>\n\n- ran `npm test`\n\n</details>\n\nDone.',
    );
    expect(blocks).toEqual([
      {
        type: 'details',
        summary: 'Tools (2)',
        is_open: true,
        blocks: [
          {
            type: 'list',
            items: [
              {
                blocks: [{ type: 'paragraph', text: ['ran ', { type: 'code', text: 'npm test' }] }],
              },
            ],
          },
        ],
      },
      { type: 'paragraph', text: 'Done.' },
    ]);
  });

  it('writes a table wider than 20 columns as a code block', () => {
    const head = Array.from({ length: 21 }, (_, i) => `c${i}`);
    const md = `| ${head.join(' | ')} |\n|${head.map(() => '-').join('|')}|\n| ${head.map(() => '1').join(' | ')} |`;
    const [b] = markdownToRichBlocks(md);
    expect(b?.type).toBe('pre');
    validateRichBlocks([b!], { draft: false });
  });

  it('flattens nesting deeper than the budget instead of failing', () => {
    const deep = `${'> '.repeat(30)}**_~~deep~~_**\n\n${Array.from({ length: 20 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n')}`;
    const blocks = markdownToRichBlocks(deep);
    expect(measureBlocks(blocks).depth).toBeLessThanOrEqual(12);
    expect(plain(blocks)).toContain('deep');
    expect(plain(blocks)).toContain('level 19');
  });

  it('builds details and thinking blocks for tool activity and reasoning', () => {
    const answer = [
      richThinking('Looking at the tests'),
      richDetails('🔧 2 tools', markdownToRichBlocks('- `read` a.ts\n- `bash` npm test')),
      ...markdownToRichBlocks('All green.'),
    ];
    expect(plain(answer)).toBe(
      'Looking at the tests\n\n🔧 2 tools\n• read a.ts\n• bash npm test\n\nAll green.',
    );
    expect(() => validateRichBlocks(answer, { draft: false })).toThrow(/thinking/);
  });
});

describe('splitRichBlocks', () => {
  const para = (n: number, c = 'a'): InputRichBlock => ({ type: 'paragraph', text: c.repeat(n) });

  it('keeps an answer within the limits in one message', () => {
    const blocks = [para(32_000), para(700)];
    expect(splitRichBlocks(blocks)).toEqual([blocks]);
  });

  it('cuts only beyond 32,768 characters, at block boundaries', () => {
    const blocks = [para(20_000, 'a'), para(20_000, 'b'), para(10, 'c')];
    expect(splitRichBlocks(blocks)).toEqual([[blocks[0]], [blocks[1], blocks[2]]]);
  });

  it('cuts beyond 500 blocks, and inside one huge list, code block or table', () => {
    const many = Array.from({ length: 501 }, () => para(1));
    expect(splitRichBlocks(many).map((p) => p.length)).toEqual([500, 1]);
    const code: InputRichBlock = { type: 'pre', text: 'line\n'.repeat(10_000), language: 'ts' };
    const parts = splitRichBlocks([code]);
    expect(parts.length).toBe(2);
    expect(
      parts
        .flat()
        .map((b) => (b.type === 'pre' && typeof b.text === 'string' ? b.text : ''))
        .join(''),
    ).toBe('line\n'.repeat(10_000));
    expect(parts.flat().every((b) => b.type === 'pre' && b.language === 'ts')).toBe(true);
    const list: InputRichBlock = {
      type: 'list',
      items: Array.from({ length: 300 }, () => ({ blocks: [para(1)] })),
    };
    for (const part of splitRichBlocks([list])) validateRichBlocks(part, { draft: false });
    const header = [
      { text: 'h', is_header: true as const, align: 'left' as const, valign: 'top' as const },
    ];
    const table: InputRichBlock = {
      type: 'table',
      cells: [
        header,
        ...Array.from({ length: 600 }, () => [
          { text: 'r', align: 'left' as const, valign: 'top' as const },
        ]),
      ],
    };
    const tables = splitRichBlocks([table]);
    expect(tables.length).toBe(2);
    for (const part of tables) {
      const content = validateRichBlocks(part, { draft: false });
      expect(richPlainText(content.blocks).startsWith('h\n')).toBe(true);
    }
  });
});
