import { describe, expect, it } from 'vitest';
import {
  htmlToPlainText,
  markdownToTelegramHtml,
  splitTelegramHtml,
  truncateForStreaming,
  visibleLength,
} from '../../main/core/telegram/format';
import { truncateWhole } from '../../main/core/telegram/format/truncate';
import { junk, longAnswer, markdownAnswer } from './markdown-generator';
import { rng } from './prng';
import { validateTelegramHtml } from './telegram-html-validator';

/**
 * True when `full` is the chunks' texts joined by the separators splitTelegramHtml may drop: a
 * run of newlines, one space, or nothing; a blank run too long for a chunk of its own; plus
 * trailing whitespace at the very end.
 */
function rejoins(
  full: string,
  texts: readonly string[],
  limit: number,
  at = 0,
  index = 0,
): boolean {
  if (index === texts.length) return full.slice(at).trim() === '';
  const text = texts[index]!;
  const rest = full.slice(at);
  const blanks = /^\s+/.exec(rest)?.[0] ?? '';
  const long = blanks.length >= limit - 1 ? [blanks] : [];
  const candidates = index === 0 ? ['', ...long] : ['', ' ', ...(/^\n+/.exec(rest) ?? []), ...long];
  for (const sep of new Set(candidates)) {
    const start = at + sep.length;
    if (
      full.startsWith(text, start) &&
      rejoins(full, texts, limit, start + text.length, index + 1)
    ) {
      return true;
    }
  }
  // A newline run may also be split so that part of it stays in a chunk; try every length.
  const run = /^\n+/.exec(full.slice(at))?.[0] ?? '';
  for (let k = 1; k < run.length; k++) {
    const start = at + k;
    if (
      full.startsWith(text, start) &&
      rejoins(full, texts, limit, start + text.length, index + 1)
    ) {
      return true;
    }
  }
  return false;
}

function checkSplit(html: string, limit: number, label: string): string[] {
  const chunks = splitTelegramHtml(html, limit);
  const whole = validateTelegramHtml(html, Number.POSITIVE_INFINITY);
  expect(whole.errors, label).toEqual([]);
  expect(whole.text, label).toBe(htmlToPlainText(html));
  const texts = chunks.map((chunk) => {
    const v = validateTelegramHtml(chunk, limit);
    expect(v.errors, `${label}\n${chunk}`).toEqual([]);
    expect(visibleLength(chunk)).toBe(v.text.length);
    return v.text;
  });
  expect(rejoins(whole.text, texts, limit), label).toBe(true);
  if (whole.text.length <= limit) expect(chunks).toEqual([html]);
  else expect(chunks.length).toBeGreaterThan(1);
  return chunks;
}

describe('properties over generated answers', () => {
  it('render → split gives valid chunks within the limit that rejoin to the whole text', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const markdown = markdownAnswer(r, 1 + r.int(12));
      const html = markdownToTelegramHtml(markdown);
      if (html.trim() === '') continue;
      const limit = r.pick([8, 20, 64, 200, 500, 4096]);
      checkSplit(html, limit, `seed ${seed}, limit ${limit}`);
    }
  });

  it('survives syntax junk and every streaming prefix', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed * 7919);
      const source = r.chance(0.5) ? junk(r, 1 + r.int(200)) : markdownAnswer(r, 3);
      const prefix = source.slice(0, r.int(source.length + 1));
      let html = '';
      expect(() => (html = markdownToTelegramHtml(prefix))).not.toThrow();
      if (html.trim() === '') continue;
      checkSplit(html, r.pick([5, 30, 4096]), `seed ${seed}: ${JSON.stringify(prefix)}`);
      const shown = truncateForStreaming(html, 40);
      const v = validateTelegramHtml(shown, 40);
      expect(v.errors, JSON.stringify(prefix)).toEqual([]);
      expect(htmlToPlainText(html).endsWith(v.text.replace(/^…\n?/, ''))).toBe(true);
    }
  });

  it('truncateForStreaming shows a valid tail within the limit', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed * 104729);
      const html = markdownToTelegramHtml(markdownAnswer(r, 2 + r.int(10)));
      if (html.trim() === '') continue;
      const limit = r.pick([10, 50, 300, 4096]);
      const shown = truncateForStreaming(html, limit);
      const v = validateTelegramHtml(shown, limit);
      expect(v.errors, `seed ${seed}`).toEqual([]);
      const text = htmlToPlainText(html);
      if (text.length <= limit) {
        expect(shown).toBe(html);
      } else {
        expect(v.text.startsWith('…')).toBe(true);
        expect(text.endsWith(v.text.replace(/^…\n?/, ''))).toBe(true);
        // It uses the room it has: at most a quarter of the limit is given up for a nicer start.
        expect(v.text.length).toBeGreaterThanOrEqual(Math.floor(limit * 0.75) - 2);
      }
    }
  });
});

describe('the live message of a long answer', () => {
  it('is cut from a layout of the tail only, exactly as from a layout of the whole answer', () => {
    let windowed = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed * 15_485_863);
      const markdown = r.chance(0.5) ? longAnswer(r, 2000 + r.int(8000)) : junk(r, 3000);
      const html = markdownToTelegramHtml(markdown.slice(0, r.int(markdown.length + 1)));
      const limit = r.pick([40, 300, 1000, 4096]);
      // Cut points at every offset near the window start: inside tags, entities, surrogate pairs.
      for (const extra of [0, 1, 2, 3, 5, 8, 13]) {
        const text = html + 'x'.repeat(extra);
        if (text.length > 2 * limit + 64) windowed++;
        expect(truncateForStreaming(text, limit), `seed ${seed} +${extra}`).toBe(
          truncateWhole(text, limit),
        );
      }
    }
    expect(windowed).toBeGreaterThan(200);
  });
});

describe('a 20,000-character answer with long code blocks', () => {
  const markdown = longAnswer(rng(2024), 20_000);
  const html = markdownToTelegramHtml(markdown);

  it('is as big as intended', () => {
    expect(markdown.length).toBeGreaterThanOrEqual(20_000);
    expect((markdown.match(/^```/gm) ?? []).length).toBeGreaterThanOrEqual(8);
    expect(visibleLength(html)).toBeGreaterThan(15_000);
  });

  it('splits into full-ish, valid messages that keep code highlighted', () => {
    const chunks = checkSplit(html, 4096, 'long answer');
    // Half-full at worst: never more than twice the minimum number of messages.
    expect(chunks.length).toBeLessThanOrEqual(2 * Math.ceil(visibleLength(html) / 4096));
    for (const chunk of chunks.slice(0, -1)) {
      expect(visibleLength(chunk)).toBeGreaterThanOrEqual(2048);
    }
    // Code blocks cut in two are reopened with their language class.
    const reopened = chunks.slice(1).filter((c) => /^<pre><code class="language-/.test(c));
    const cutInCode = chunks.slice(0, -1).filter((c) => c.endsWith('</code></pre>'));
    expect(cutInCode.length).toBeGreaterThan(0);
    expect(reopened.length).toBeGreaterThan(0);
  });

  it('splits at small limits too', () => {
    for (const limit of [100, 333, 1000]) checkSplit(html, limit, `limit ${limit}`);
  });
});
