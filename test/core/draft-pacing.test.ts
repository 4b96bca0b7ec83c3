import { describe, expect, it } from 'vitest';
import {
  DRAFT_GAP_MS,
  DRAFT_REFRESH_MS,
  draftDueIn,
  takeDraftSlot,
} from '../../main/core/turn/draft-pacing';

describe('draft pacing', () => {
  it('sends the first draft at once', () => {
    expect(draftDueIn({ lastSentAt: undefined, dirty: true }, 1000)).toBe(0);
  });

  it('sends a change no sooner than the gap after the last draft', () => {
    expect(draftDueIn({ lastSentAt: 1000, dirty: true }, 1100)).toBe(DRAFT_GAP_MS - 100);
    expect(draftDueIn({ lastSentAt: 1000, dirty: true }, 5000)).toBe(0);
  });

  it('sends an unchanged draft again before it expires', () => {
    expect(draftDueIn({ lastSentAt: 1000, dirty: false }, 2000)).toBe(DRAFT_REFRESH_MS - 1000);
    expect(DRAFT_REFRESH_MS).toBeLessThan(30_000);
  });

  it('spaces the drafts of one chat, whichever topic asks, and leaves other chats alone', () => {
    let free = new Map<number, number>();
    const a = takeDraftSlot(free, 7, 1000);
    free = a.nextFree;
    const b = takeDraftSlot(free, 7, 1010);
    free = b.nextFree;
    const c = takeDraftSlot(free, 8, 1010);
    expect([a.at, b.at, c.at]).toEqual([1000, 1000 + DRAFT_GAP_MS, 1010]);
  });

  it('forgets chats whose slot is long free', () => {
    const { nextFree } = takeDraftSlot(new Map([[7, 1250]]), 8, 5000);
    expect([...nextFree.keys()]).toEqual([8]);
  });
});
