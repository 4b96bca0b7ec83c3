// Random but deterministic Markdown answers resembling what a coding agent writes, including
// the awkward parts: markup characters, entities, emoji, unsafe links and unfinished syntax.
import type { Rng } from './prng';

const WORDS = [
  'the',
  'function',
  'returns',
  'a',
  'value',
  'when',
  'x',
  'error',
  'config',
  'file',
  'a<b',
  'x>y',
  'a&b',
  '&amp;',
  '&lt;',
  '&copy;',
  '"quoted"',
  "it's",
  'C#',
  'C++',
  'héllo',
  '世界',
  'émoji',
  '😀',
  '👩‍💻',
  '🇩🇪',
  '👍🏽',
  'e\u0301',
  '—',
  '…',
  '*',
  '**',
  '_',
  '`',
  '~',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '&',
  '#',
  '|',
  '\\',
  'https://example.com/a?b=1&c=2',
  'www.example.org',
  'me@example.com',
  '<div>',
  '</span>',
  'supercalifragilisticexpialidocious'.repeat(3),
];

const LANGS = ['ts', 'js', 'python', 'sh', '', 'c++', 'diff', 'json', '<x>', 'a"b'];
const HREFS = [
  'https://example.com/docs?a=1&b="2"',
  'http://e.com',
  'tg://resolve?domain=x',
  'mailto:a@b.c',
  './src/index.ts',
  '/abs/path',
  '#anchor',
  'javascript:alert(1)',
  'file:///etc/hosts',
  'vscode://file/x',
  'data:text/plain,hi',
];

function words(r: Rng, count: number): string {
  return Array.from({ length: count }, () => r.pick(WORDS)).join(' ');
}

function inline(r: Rng): string {
  const parts: string[] = [];
  const n = 1 + r.int(12);
  for (let i = 0; i < n; i++) {
    switch (r.int(9)) {
      case 0:
        parts.push(`**${words(r, 1 + r.int(3))}**`);
        break;
      case 1:
        parts.push(`*${words(r, 1 + r.int(3))}*`);
        break;
      case 2:
        parts.push(`\`${words(r, 1 + r.int(3))}\``);
        break;
      case 3:
        parts.push(`[${words(r, 1 + r.int(2))}](${r.pick(HREFS)})`);
        break;
      case 4:
        parts.push(`~~${words(r, 1 + r.int(2))}~~`);
        break;
      case 5:
        parts.push(`![${words(r, 1)}](${r.pick(HREFS)})`);
        break;
      default:
        parts.push(words(r, 1 + r.int(8)));
    }
  }
  return parts.join(' ');
}

function codeBlock(r: Rng, lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => {
    const indent = '  '.repeat(r.int(4));
    return `${indent}const v${i} = a < b && c > d ? "s" : '${words(r, r.int(4))}';`;
  }).join('\n');
  return '```' + r.pick(LANGS) + '\n' + body + '\n```';
}

function block(r: Rng, depth = 0): string {
  switch (r.int(depth > 0 ? 6 : 10)) {
    case 0:
      return `${'#'.repeat(1 + r.int(3))} ${inline(r)}`;
    case 1:
      return Array.from(
        { length: 1 + r.int(5) },
        (_, i) =>
          `${r.chance(0.5) ? '-' : `${i + 1}.`} ${r.chance(0.3) ? `[${r.chance(0.5) ? 'x' : ' '}] ` : ''}${inline(r)}` +
          (r.chance(0.3) ? `\n   - ${inline(r)}` : ''),
      ).join('\n');
    case 2:
      return codeBlock(r, 1 + r.int(20));
    case 3:
      return `> ${inline(r)}\n>\n> ${r.chance(0.3) ? '> ' : ''}${inline(r)}`;
    case 4:
      return (
        '| a | b | c |\n|:--|:-:|--:|\n' +
        Array.from(
          { length: 1 + r.int(4) },
          () => `| ${words(r, 1)} | ${words(r, 2)} | ${r.int(1000)} |`,
        ).join('\n')
      );
    case 5:
      return '---';
    case 6:
      return `<details>\n<summary>${words(r, 2)}</summary>\n\n${inline(r)}\n</details>`;
    default:
      return Array.from({ length: 1 + r.int(3) }, () => inline(r)).join(
        r.chance(0.5) ? '\n' : '  \n',
      );
  }
}

export function markdownAnswer(r: Rng, blocks: number): string {
  return Array.from({ length: blocks }, () => block(r)).join('\n\n');
}

/** Random runs of Markdown syntax characters: the parser must survive anything. */
export function junk(r: Rng, length: number): string {
  const alphabet = [
    '*',
    '_',
    '`',
    '~',
    '[',
    ']',
    '(',
    ')',
    '<',
    '>',
    '&',
    '#',
    '|',
    '-',
    '\n',
    ' ',
    'a',
    '😀',
    '\\',
    '!',
    ':',
    '"',
    '```',
  ];
  return Array.from({ length }, () => r.pick(alphabet)).join('');
}

/** A long answer with several long code blocks, about `size` characters of Markdown. */
export function longAnswer(r: Rng, size: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const part = r.chance(0.35) ? codeBlock(r, 40 + r.int(120)) : block(r);
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join('\n\n');
}
