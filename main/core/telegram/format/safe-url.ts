// Telegram rejects the whole message when an <a href> is relative or uses an unknown scheme, so
// only schemes it is known to accept become links.

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'tg:', 'mailto:']);

/** The URL to put in an href, or undefined when Telegram might reject it. */
export function safeUrl(href: string): string | undefined {
  const trimmed = href.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return undefined;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') {
    return undefined;
  }
  // Whitespace or control characters would make Telegram's URL parser choke.
  if (/[\s\p{Cc}]/u.test(trimmed)) return undefined;
  return trimmed;
}

/** True for URLs with a scheme (javascript:, file:, vscode:, …), as opposed to relative paths. */
export function hasScheme(href: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(href.trim());
}
