// Markdown → Telegram HTML formatting: pure functions, no I/O.
export { markdownToTelegramHtml, sanitizeLanguage } from './markdown-to-html';
export { htmlToPlainText, visibleLength } from './plain-text';
export { splitTelegramHtml, TELEGRAM_MESSAGE_LIMIT } from './split';
export { truncateForStreaming } from './truncate';
export { extensionForLanguage, isSingleHugeCodeBlock, TELEGRAM_CAPTION_LIMIT } from './code-block';
export type { HugeCodeBlock } from './code-block';
export { escapeHtml } from './escape';
export { safeUrl } from './safe-url';
