// An answer that is one long code block reads badly as several messages; the caller can send it
// as a file instead. This decides when that applies and what to call the file.
import type { Token, Tokens } from 'marked';
import { lex, markdownToTelegramHtml } from './markdown-to-html';
import { visibleLength } from './plain-text';
import { TELEGRAM_MESSAGE_LIMIT } from './split';

/** Telegram's limit for a document caption, where the text around the code block goes. */
export const TELEGRAM_CAPTION_LIMIT = 1024;

export interface HugeCodeBlock {
  /** The fence's language as written (first word of the info string), or undefined. */
  language: string | undefined;
  code: string;
  /** The rest of the answer rendered as Telegram HTML (for a caption); '' when none. */
  captionHtml: string;
}

/**
 * The code block when `markdown` is essentially one code block too long for a message: exactly
 * one code block, longer than `limit`, with at most a caption's worth of other text around it.
 */
export function isSingleHugeCodeBlock(
  markdown: string,
  limit = TELEGRAM_MESSAGE_LIMIT,
): HugeCodeBlock | undefined {
  let tokens: Token[];
  try {
    tokens = lex(markdown);
  } catch {
    return undefined;
  }
  const codes = tokens.filter((t): t is Tokens.Code => t.type === 'code');
  const code = codes[0];
  if (codes.length !== 1 || code === undefined || code.text.length <= limit) return undefined;
  const rest = tokens
    .filter((t) => t !== code)
    .map((t) => t.raw)
    .join('');
  const captionHtml = markdownToTelegramHtml(rest);
  if (visibleLength(captionHtml) > TELEGRAM_CAPTION_LIMIT) return undefined;
  const language = code.lang?.trim().split(/\s+/)[0];
  return { language: language === '' ? undefined : language, code: code.text, captionHtml };
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  ts: 'ts',
  typescript: 'ts',
  tsx: 'tsx',
  js: 'js',
  javascript: 'js',
  mjs: 'mjs',
  cjs: 'cjs',
  jsx: 'jsx',
  json: 'json',
  jsonc: 'jsonc',
  py: 'py',
  python: 'py',
  sh: 'sh',
  bash: 'sh',
  shell: 'sh',
  zsh: 'sh',
  console: 'txt',
  rb: 'rb',
  ruby: 'rb',
  go: 'go',
  golang: 'go',
  rs: 'rs',
  rust: 'rs',
  java: 'java',
  kt: 'kt',
  kotlin: 'kt',
  swift: 'swift',
  c: 'c',
  h: 'h',
  cpp: 'cpp',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'hpp',
  cs: 'cs',
  csharp: 'cs',
  'c#': 'cs',
  php: 'php',
  lua: 'lua',
  r: 'r',
  sql: 'sql',
  html: 'html',
  xml: 'xml',
  svg: 'svg',
  css: 'css',
  scss: 'scss',
  md: 'md',
  markdown: 'md',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  ini: 'ini',
  diff: 'diff',
  patch: 'diff',
  dockerfile: 'dockerfile',
  makefile: 'mk',
  graphql: 'graphql',
  vue: 'vue',
  svelte: 'svelte',
  dart: 'dart',
  scala: 'scala',
  elixir: 'ex',
  ex: 'ex',
  hs: 'hs',
  haskell: 'hs',
  zig: 'zig',
  text: 'txt',
  txt: 'txt',
  plaintext: 'txt',
};

/** File extension (without the dot) for a fence language; 'txt' when unknown or absent. */
export function extensionForLanguage(lang: string | undefined): string {
  return EXTENSIONS[(lang ?? '').trim().toLowerCase()] ?? 'txt';
}
