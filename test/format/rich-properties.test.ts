// Properties of the Markdown → rich blocks path over generated answers: every message it makes is
// accepted by the fake Bot API's validator (an independent model of the documented limits), and
// the messages' plain text keeps every visible character of the answer, in order.
import { describe, expect, it } from 'vitest';
import type { Token } from 'marked';
import type { InputRichBlock } from 'grammy/types';
import { markdownToRichBlocks, splitRichBlocks } from '../../main/core/telegram/format';
import { decodeEntities } from '../../main/core/telegram/format/escape';
import { lex } from '../../main/core/telegram/format/markdown-to-html';
import type { RichLimits } from '../../main/core/telegram/format/rich-measure';
import { validateRichBlocks } from '../support/fake-telegram/rich-content';
import { junk, longAnswer, markdownAnswer } from './markdown-generator';
import { rng } from './prng';

/** The characters a reader of the answer sees: token leaves, minus Markdown syntax. */
function visibleText(markdown: string): string {
  const walk = (tokens: readonly Token[]): string =>
    tokens
      .map((t): string => {
        if (t.type === 'html' && /<\/?(details|summary)\b/i.test(t.raw)) {
          return decodeEntities(t.raw.replace(/<\/?(details|summary)(\s[^>]*)?>/gi, ''));
        }
        if (t.type === 'html') return t.raw;
        if (
          t.type === 'br' ||
          t.type === 'checkbox' ||
          t.type === 'hr' ||
          t.type === 'space' ||
          t.type === 'def'
        )
          return '';
        if (t.type === 'code' || t.type === 'codespan' || t.type === 'escape')
          return String(t.text);
        if (t.type === 'table') {
          const table = t as Token & {
            header: { tokens: Token[] }[];
            rows: { tokens: Token[] }[][];
          };
          return [...table.header, ...table.rows.flat()].map((c) => walk(c.tokens)).join(' ');
        }
        if (t.type === 'list')
          return (t as Token & { items: { tokens: Token[] }[] }).items
            .map((i) => walk(i.tokens))
            .join(' ');
        if ('tokens' in t && Array.isArray(t.tokens)) return walk(t.tokens);
        return decodeEntities(String('text' in t ? t.text : t.raw));
      })
      .join(' ');
  return walk(lex(markdown));
}

const squeeze = (s: string): string[] => Array.from(s.replace(/\s+/g, ''));

/** True when `needle`'s characters all appear in `hay`, in order. */
function inOrder(needle: readonly string[], hay: readonly string[]): number {
  let j = 0;
  for (let i = 0; i < needle.length; i++) {
    while (j < hay.length && hay[j] !== needle[i]) j++;
    if (j === hay.length) return i;
    j++;
  }
  return -1;
}

function check(markdown: string, label: string, limits?: RichLimits): InputRichBlock[][] {
  const blocks = markdownToRichBlocks(markdown);
  const parts = splitRichBlocks(blocks, limits);
  const texts = parts.map((part, i) => {
    let plain = '';
    expect(
      () => (plain = validateRichBlocks(part, { draft: false }).plainText),
      `${label} part ${i}`,
    ).not.toThrow();
    return plain;
  });
  const lost = inOrder(squeeze(visibleText(markdown)), squeeze(texts.join('\n')));
  expect(
    lost,
    `${label}: lost character #${lost} of ${JSON.stringify(markdown.slice(0, 300))}`,
  ).toBe(-1);
  return parts;
}

describe('rich blocks over generated answers', () => {
  it('are accepted by the fake Bot API and keep every visible character', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      check(markdownAnswer(r, 1 + r.int(12)), `seed ${seed}`);
    }
  });

  it('survive syntax junk and every streaming prefix', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed * 7919);
      const source = r.chance(0.5) ? junk(r, 1 + r.int(200)) : markdownAnswer(r, 3);
      check(source.slice(0, r.int(source.length + 1)), `seed ${seed}`);
    }
  });

  it('split at small limits into valid parts and only when needed', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed * 104_729);
      const markdown = markdownAnswer(r, 2 + r.int(10));
      const limits = { characters: r.pick([40, 200, 1000]), blocks: r.pick([5, 20, 500]) };
      const parts = check(markdown, `seed ${seed}`, limits);
      const whole = markdownToRichBlocks(markdown);
      if (parts.length > 1) expect(parts.flat().length).toBeGreaterThanOrEqual(whole.length);
    }
  });

  it('a 100,000-character answer becomes few full messages', () => {
    const markdown = longAnswer(rng(2024), 100_000);
    const parts = check(markdown, 'long answer');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(2 * Math.ceil(markdown.length / 32_768));
    expect(check(longAnswer(rng(7), 20_000), 'shorter')).toHaveLength(1);
  });
});
