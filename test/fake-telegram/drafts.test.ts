import { describe, expect, it } from 'vitest';
import { DRAFT_ERRORS } from '../support/fake-telegram/index';
import { alice, apiError, setup } from './helpers';

function clock(start = 1_750_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('message drafts', () => {
  it('keeps each draft with its history and animates updates under the same id', async () => {
    const time = clock();
    const { fake, bot } = await setup({ now: time.now });
    fake.addPrivateChat(alice);
    await bot.api.sendMessageDraft(alice.id, 7, '', { can_stop: true });
    time.advance(300);
    await bot.api.sendMessageDraft(alice.id, 7, '<b>Hel</b>lo', {
      parse_mode: 'HTML',
      can_stop: true,
    });
    const [draft] = fake.drafts(alice.id);
    expect(draft).toMatchObject({ draftId: 7, state: 'active', text: 'Hello', canStop: true });
    expect(draft!.history.map((u) => [u.text, u.at - draft!.history[0]!.at])).toEqual([
      ['', 0],
      ['Hello', 300],
    ]);
    expect(draft!.history[1]!.entities).toEqual([{ type: 'bold', offset: 0, length: 3 }]);
    expect(draft!.history[1]!.html).toBe('<b>Hel</b>lo');
  });

  it('expires 30 s after the last update, and a refresh keeps it alive', async () => {
    const time = clock();
    const { fake, bot } = await setup({ now: time.now });
    fake.addPrivateChat(alice);
    await bot.api.sendMessageDraft(alice.id, 1, 'partial');
    time.advance(29_000);
    await bot.api.sendMessageDraft(alice.id, 1, 'partial answer');
    time.advance(29_999);
    expect(fake.drafts(alice.id).map((d) => d.text)).toEqual(['partial answer']);
    time.advance(1);
    expect(fake.drafts(alice.id)).toEqual([]);
    expect(fake.draftHistory(alice.id)[0]).toMatchObject({ state: 'expired', endedAt: time.now() });
  });

  it('is cleared by a bot message in its chat/thread and replaced by another draft id', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendMessageDraft(alice.id, 1, 'one');
    await bot.api.sendMessageDraft(alice.id, 2, 'two');
    expect(fake.drafts(alice.id).map((d) => d.draftId)).toEqual([2]);
    expect(fake.draftHistory(alice.id).map((d) => d.state)).toEqual(['replaced', 'active']);
    await bot.api.sendMessage(alice.id, 'final answer');
    expect(fake.drafts(alice.id)).toEqual([]);
    expect(fake.draftHistory(alice.id).map((d) => d.state)).toEqual(['replaced', 'cleared']);
  });

  it('is refused outside private chats and with draft_id 0', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const group = fake.addForumGroup({ title: 'Projects' });
    expect((await apiError(bot.api.sendMessageDraft(group.id, 1, 'x'))).description).toBe(
      DRAFT_ERRORS.privateOnly,
    );
    expect((await apiError(bot.api.sendMessageDraft(alice.id, 0, 'x'))).description).toBe(
      DRAFT_ERRORS.draftId,
    );
    expect(
      (await apiError(bot.api.sendMessageDraft(alice.id, 1, 'x'.repeat(4097)))).description,
    ).toBe('Bad Request: message is too long');
    expect(fake.draftHistory()).toEqual([]);
  });

  it('Stop emits stopped_message_generation; later drafts under that id are not shown', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendMessageDraft(alice.id, 9, 'working', { can_stop: true });
    const update = fake.userPressesStop(alice.id, undefined, 9);
    expect(update?.stopped_message_generation).toEqual({
      chat: { id: alice.id, type: 'private', first_name: 'Alice', username: 'alice_dev' },
      draft_id: 9,
    });
    const [polled] = await bot.api.getUpdates({ timeout: 0 });
    expect(polled?.stopped_message_generation?.draft_id).toBe(9);
    expect(fake.drafts(alice.id)).toEqual([]);
    expect(await bot.api.sendMessageDraft(alice.id, 9, 'working more')).toBe(true);
    expect(fake.draftHistory(alice.id)[0]!.history.map((u) => u.shown)).toEqual([true, false]);
    expect(fake.draftHistory(alice.id)[0]!.state).toBe('stopped');
  });

  it('keep_on_stop leaves the draft shown; no Stop without can_stop', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendMessageDraft(alice.id, 3, 'no button');
    expect(() => fake.userPressesStop(alice.id, undefined, 3)).toThrow(/no Stop button/);
    await bot.api.sendMessageDraft(alice.id, 3, 'kept', { can_stop: true, keep_on_stop: true });
    fake.userPressesStop(alice.id, undefined, 3);
    expect(fake.drafts(alice.id)).toMatchObject([{ text: 'kept', stoppedAt: expect.any(Number) }]);
  });

  it('delivers Stop only when allowed_updates lists it, once allowed_updates is set', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.getUpdates({ timeout: 0, allowed_updates: ['message', 'callback_query'] });
    await bot.api.sendMessageDraft(alice.id, 4, 'x', { can_stop: true });
    expect(fake.userPressesStop(alice.id, undefined, 4)).toBeUndefined();
    await bot.api.getUpdates({
      timeout: 0,
      allowed_updates: ['message', 'callback_query', 'stopped_message_generation'],
    });
    await bot.api.sendMessageDraft(alice.id, 5, 'y', { can_stop: true });
    expect(fake.userPressesStop(alice.id, undefined, 5)?.stopped_message_generation?.draft_id).toBe(
      5,
    );
  });

  it('has its own rate limit (5 per second per chat) and does not spend the message budget', async () => {
    const time = clock();
    const { fake, bot } = await setup({ now: time.now, rateLimits: {} });
    fake.addPrivateChat(alice);
    for (let i = 0; i < 5; i++) await bot.api.sendMessageDraft(alice.id, 1, `v${i}`);
    const limited = await apiError(bot.api.sendMessageDraft(alice.id, 1, 'v5'));
    expect([limited.error_code, limited.description, limited.parameters.retry_after]).toEqual([
      429,
      'Too Many Requests: retry after 1',
      1,
    ]);
    expect(fake.rateLimitHits()).toMatchObject([{ method: 'sendMessageDraft', chatId: alice.id }]);
    // Drafts took nothing from the per-chat message burst (3).
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(alice.id, `m${i}`);
    time.advance(1000);
    expect(await bot.api.sendMessageDraft(alice.id, 1, 'v6')).toBe(true);
  });

  it('sendRichMessageDraft takes rich content and a thinking block', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendRichMessageDraft(alice.id, 2, {
      blocks: [
        { type: 'thinking', text: 'Reading the code' },
        { type: 'paragraph', text: ['The ', { type: 'bold', text: 'answer' }] },
      ],
    });
    const [draft] = fake.drafts(alice.id);
    expect(draft?.text).toBe('Reading the code\n\nThe answer');
    expect(draft?.rich?.[0]).toEqual({ type: 'thinking', text: 'Reading the code' });
  });
});
