import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  Capabilities,
  classifyCapabilityFailure,
  initialCapabilities,
  usable,
} from '../../main/core/telegram/capabilities';

const notFound = { error_code: 404, description: 'Not Found: method not found' };
const refused = { error_code: 400, description: 'Bad Request: unsupported tag' };

describe('capabilities', () => {
  it('classifies what a failed call says about the server', () => {
    expect(classifyCapabilityFailure(notFound)).toBe('missing');
    expect(classifyCapabilityFailure(refused)).toBe('refused');
    expect(classifyCapabilityFailure({ error_code: 403, description: 'Forbidden' })).toBe('other');
    expect(classifyCapabilityFailure(new Error('socket hang up'))).toBe('other');
  });

  it('offers drafts only in private chats, and as the switches allow', () => {
    expect(usable(initialCapabilities, {}, 42, 'draft')).toBe(true);
    expect(usable(initialCapabilities, {}, -100123, 'draft')).toBe(false);
    expect(usable(initialCapabilities, { streaming: 'edit' }, 42, 'draft')).toBe(false);
    expect(usable(initialCapabilities, {}, -100123, 'rich')).toBe(true);
    expect(usable(initialCapabilities, { rich: false }, 42, 'rich')).toBe(false);
  });

  it('a missing method is gone for every chat; refused content only for that chat', () => {
    const missing = afterFailure(initialCapabilities, 42, 'rich', 'missing');
    expect(missing.changed).toBe(true);
    expect(usable(missing.state, {}, 43, 'rich')).toBe(false);
    expect(usable(missing.state, {}, 43, 'draft')).toBe(true);
    const one = afterFailure(initialCapabilities, 42, 'rich', 'refused');
    expect(usable(one.state, {}, 42, 'rich')).toBe(false);
    expect(usable(one.state, {}, 43, 'rich')).toBe(true);
    expect(afterFailure(one.state, 42, 'rich', 'refused').changed).toBe(false);
    expect(afterFailure(initialCapabilities, 42, 'rich', 'other').changed).toBe(false);
  });

  it('says a fallback once, and tells the caller whether to fall back', () => {
    const lines: string[] = [];
    const caps = new Capabilities({}, (line) => lines.push(line));
    expect(caps.failed(42, 'draft', notFound)).toBe(true);
    expect(caps.failed(43, 'draft', notFound)).toBe(true);
    expect(caps.failed(42, 'rich', new Error('timeout'))).toBe(false);
    expect(caps.drafts(42)).toBe(false);
    expect(caps.rich(42)).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no streaming drafts.*HTML path/);
  });
});
