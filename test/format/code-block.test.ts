import { describe, expect, it } from 'vitest';
import { extensionForLanguage, isSingleHugeCodeBlock } from '../../main/core/telegram/format';

const big = Array.from({ length: 300 }, (_, i) => `line ${i} <&> "x"`).join('\n');

describe('isSingleHugeCodeBlock', () => {
  it('finds one long code block', () => {
    expect(isSingleHugeCodeBlock('```ts\n' + big + '\n```', 4096)).toEqual({
      language: 'ts',
      code: big,
      captionHtml: '',
    });
  });

  it('keeps a short intro as caption HTML', () => {
    expect(
      isSingleHugeCodeBlock('Here is **the file**:\n\n```py title=a\n' + big + '\n```'),
    ).toEqual({ language: 'py', code: big, captionHtml: 'Here is <b>the file</b>:' });
  });

  it('accepts an unclosed fence (still streaming) and no language', () => {
    expect(isSingleHugeCodeBlock('```\n' + big)).toEqual({
      language: undefined,
      code: big,
      captionHtml: '',
    });
  });

  it.each([
    ['short code', '```ts\nx\n```'],
    ['two code blocks', '```ts\n' + big + '\n```\n\n```ts\nmore\n```'],
    ['long prose around it', 'word '.repeat(300) + '\n\n```ts\n' + big + '\n```'],
    ['no code', big],
  ])('returns undefined for %s', (_name, markdown) => {
    expect(isSingleHugeCodeBlock(markdown, 4096)).toBeUndefined();
  });

  it('uses the given limit', () => {
    expect(isSingleHugeCodeBlock('```\n12345\n```', 4)?.code).toBe('12345');
    expect(isSingleHugeCodeBlock('```\n1234\n```', 4)).toBeUndefined();
  });
});

describe('extensionForLanguage', () => {
  it.each([
    ['ts', 'ts'],
    ['TypeScript', 'ts'],
    ['python', 'py'],
    ['bash', 'sh'],
    ['c++', 'cpp'],
    ['C#', 'cs'],
    ['yml', 'yaml'],
    ['diff', 'diff'],
    ['weird-lang', 'txt'],
    ['', 'txt'],
    [undefined, 'txt'],
  ])('%s → %s', (lang, ext) => {
    expect(extensionForLanguage(lang)).toBe(ext);
  });
});
