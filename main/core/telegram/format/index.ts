// Markdown → Telegram HTML formatting: pure functions, no I/O.
export { markdownToTelegramHtml, sanitizeLanguage } from './markdown-to-html';
export { htmlToPlainText, visibleLength } from './plain-text';
export { splitTelegramHtml, TELEGRAM_MESSAGE_LIMIT } from './split';
export { truncateForStreaming } from './truncate';
export { extensionForLanguage, isSingleHugeCodeBlock, TELEGRAM_CAPTION_LIMIT } from './code-block';
export type { HugeCodeBlock } from './code-block';
export { escapeHtml } from './escape';
export { safeUrl } from './safe-url';
// Markdown → rich message blocks (Bot API 10.1 sendRichMessage / rich edits / rich drafts).
export { markdownToRichBlocks, richDetails, richThinking, RICH_DEPTH_BUDGET } from './rich-blocks';
export { splitRichBlocks } from './rich-split';
export { measureBlocks, RICH_MESSAGE_LIMITS } from './rich-measure';
export type { RichLimits, RichMeasure } from './rich-measure';
