// A strict, independent model of Telegram's parse_mode=HTML rules, for tests: whatever passes here
// should be accepted by Telegram. Stricter than Telegram where our output never needs more.

export interface Validation {
  errors: string[];
  /** The text Telegram would show, decoded independently of the code under test. */
  text: string;
}

const INLINE = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span']);
const ALLOWED = new Set([...INLINE, 'a', 'code', 'pre', 'blockquote']);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  name: string;
  attrs: Map<string, string | null>;
  /** For <pre>: whether text or a <code> child has been seen. */
  sawText: boolean;
  sawCode: boolean;
}

function decode(raw: string, errors: string[]): string {
  return raw.replace(/&([^;\s&<>]*);?/g, (all, body: string) => {
    if (!all.endsWith(';')) {
      errors.push(`bare & in ${JSON.stringify(raw.slice(0, 40))}`);
      return all;
    }
    const named = NAMED[body];
    if (named !== undefined) return named;
    const m = /^#(?:(\d+)|[xX]([0-9a-fA-F]+))$/.exec(body);
    if (!m) {
      errors.push(`unsupported entity ${all}`);
      return all;
    }
    const cp = m[1] !== undefined ? Number(m[1]) : parseInt(m[2]!, 16);
    return String.fromCodePoint(cp);
  });
}

function parseAttrs(source: string, errors: string[]): Map<string, string | null> {
  const attrs = new Map<string, string | null>();
  const re = /\s+([a-z-]+)(?:="([^"]*)")?/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(source))) {
    attrs.set(m[1]!, m[2] === undefined ? null : decode(m[2], errors));
    end = re.lastIndex;
  }
  if (end !== source.length) errors.push(`bad attributes ${JSON.stringify(source)}`);
  return attrs;
}

function isSafeHref(href: string): boolean {
  return /^(https?:\/\/[^\s/?#]+|tg:|mailto:)\S*$/i.test(href);
}

export function validateTelegramHtml(html: string, limit = 4096): Validation {
  const errors: string[] = [];
  const stack: Open[] = [];
  let text = '';
  const parent = (): Open | undefined => stack[stack.length - 1];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const chunkEnd = lt === -1 ? html.length : lt;
    if (chunkEnd > i) {
      const raw = html.slice(i, chunkEnd);
      if (raw.includes('>')) errors.push('literal >');
      const p = parent();
      if (p?.name === 'pre') {
        if (p.sawCode) errors.push('text after <code> in <pre>');
        p.sawText = true;
      }
      text += decode(raw, errors);
      i = chunkEnd;
      continue;
    }
    const m = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)>/.exec(html.slice(i));
    if (!m) {
      errors.push(`literal < at ${i}`);
      i++;
      continue;
    }
    i += m[0].length;
    const [, slash, name = '', attrSource = ''] = m;
    if (!ALLOWED.has(name)) errors.push(`tag <${name}> not allowed`);
    if (slash) {
      const top = stack.pop();
      if (attrSource) errors.push(`attributes on </${name}>`);
      if (top?.name !== name) errors.push(`</${name}> closes <${top?.name ?? 'nothing'}>`);
      continue;
    }
    const attrs = parseAttrs(attrSource, errors);
    const p = parent();
    const names = stack.map((o) => o.name);
    if (names.includes('code')) errors.push(`<${name}> inside <code>`);
    if (p?.name === 'pre') {
      if (name !== 'code') errors.push(`<${name}> inside <pre>`);
      else if (p.sawText || p.sawCode) errors.push('<code> is not the only child of <pre>');
      p.sawCode = true;
    } else if (names.includes('pre')) {
      errors.push(`<${name}> nested in <pre>`);
    }
    if (names.includes('a') && (name === 'a' || name === 'code' || name === 'pre')) {
      errors.push(`<${name}> inside <a>`);
    }
    if (name === 'blockquote' || name === 'pre') {
      if (names.some((n) => n !== 'blockquote')) errors.push(`<${name}> inside inline markup`);
      if (name === 'blockquote' && names.includes('blockquote')) errors.push('nested blockquote');
    }
    const keys = [...attrs.keys()];
    switch (name) {
      case 'a': {
        const href = attrs.get('href');
        if (keys.join() !== 'href' || href == null) errors.push('<a> needs exactly href');
        else if (!isSafeHref(href)) errors.push(`unsafe href ${href}`);
        break;
      }
      case 'span':
        if (keys.join() !== 'class' || attrs.get('class') !== 'tg-spoiler') {
          errors.push('<span> must be tg-spoiler');
        }
        break;
      case 'code':
        if (keys.length > 0) {
          const cls = attrs.get('class');
          if (keys.join() !== 'class' || !cls || !/^language-[A-Za-z0-9_+#.-]+$/.test(cls)) {
            errors.push(`bad <code> attributes ${attrSource}`);
          } else if (p?.name !== 'pre') errors.push('language class outside <pre>');
        }
        break;
      case 'blockquote':
        if (keys.length > 0 && (keys.join() !== 'expandable' || attrs.get('expandable') !== null)) {
          errors.push('bad <blockquote> attributes');
        }
        break;
      default:
        if (keys.length > 0) errors.push(`attributes on <${name}>`);
    }
    stack.push({ name, attrs, sawText: false, sawCode: false });
  }
  if (stack.length > 0) errors.push(`unclosed ${stack.map((o) => o.name).join(',')}`);
  if (text.trim() === '') errors.push('empty message');
  if (text.length > limit) errors.push(`too long: ${text.length} > ${limit}`);
  return { errors, text };
}
