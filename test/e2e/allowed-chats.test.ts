// Issue 9: chats are allowlisted too. End to end (real OpenCode, scripted model, fake Bot API, the
// headless bridge as `npm run bridge` runs it): in a group that is not on TELEGRAM_ALLOWED_CHATS
// nobody gets anything and the bot leaves; in an allowed one it works; messages sent on behalf of a
// chat reach nothing; the command menu lives only in the chats that may use it.
import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { expectedReply } from '../support/model-server';
import { OWNER, STRANGER, botMessages, useBench, useBridges, waitForNotice } from './bench';

const bench = useBench();
const bridges = useBridges(bench);

/** Updates are handled in order: once the owner's /help is answered, all sent before were seen. */
async function allHandled(): Promise<void> {
  const { telegram } = bench;
  const before = botMessages(telegram, OWNER.id, /send a message and the agent/).length;
  telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/help' });
  await telegram.waitFor(
    () => botMessages(telegram, OWNER.id, /send a message and the agent/).length > before,
    { timeoutMs: 30_000 },
  );
}

const leaveLines = (lines: readonly string[], chatId: number) =>
  lines.filter((l) => l.includes(`chat id ${chatId}`) && l.includes('TELEGRAM_ALLOWED_CHATS'));

describe('a group that is not allowed', () => {
  it('an allowlisted user’s prompt there has no effect; the bot says the id once and leaves', async () => {
    const { telegram, model } = bench;
    const group = telegram.addForumGroup({ title: 'Someone else’s', isForum: false });
    const bridge = await bridges.run();
    const requests = model.chatRequests().length;

    telegram.userSendsText({ from: OWNER, chatId: group.id, text: 'show me the repo' });
    telegram.userSendsText({ from: OWNER, chatId: group.id, text: '/new' });
    telegram.userSendsText({ from: STRANGER, chatId: group.id, text: 'and again' });
    await telegram.waitFor(() => !telegram.botIsMember(group.id), { timeoutMs: 30_000 });
    await allHandled();

    expect(model.chatRequests().length).toBe(requests);
    expect(botMessages(telegram, group.id)).toEqual([]);
    expect(
      telegram.calls((c) => c.params['chat_id'] === group.id && c.method !== 'leaveChat'),
    ).toEqual([]);
    expect(telegram.calls('leaveChat').map((c) => c.params['chat_id'])).toEqual([group.id]);
    const said = leaveLines(bridge.lines, group.id);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`add ${group.id} to TELEGRAM_ALLOWED_CHATS`);
    // No menu there either.
    expect(telegram.menuFor({ chatId: group.id, userId: OWNER.id })).toEqual([]);
  }, 90_000);

  it('added to a group or a channel that is not allowed, the bot leaves at once', async () => {
    const { telegram } = bench;
    const bridge = await bridges.run();
    const group = telegram.addForumGroup({ title: 'Lure', botIsMember: false });
    const channel = telegram.addGroupOrChannel({ type: 'channel', title: 'Broadcast' });
    telegram.addBotToGroup(group.id, STRANGER, { asAdmin: true });
    telegram.addBotToGroup(channel.id, STRANGER);
    await telegram.waitFor(
      () => !telegram.botIsMember(group.id) && !telegram.botIsMember(channel.id),
      { timeoutMs: 30_000 },
    );
    await allHandled();
    expect(botMessages(telegram, group.id)).toEqual([]);
    // The join's service message, still queued when the bot left, changes nothing.
    expect(leaveLines(bridge.lines, group.id)).toHaveLength(1);
    expect(leaveLines(bridge.lines, channel.id)).toHaveLength(1);
    expect(bridge.lines.filter((l) => /Could not leave/.test(l))).toEqual([]);
  }, 90_000);
});

describe('an allowed group', () => {
  it('works as before for the owner; a message on behalf of a chat reaches nothing', async () => {
    const { telegram, model } = bench;
    const group = telegram.addForumGroup({ title: 'Team', isForum: false });
    const channel = telegram.addGroupOrChannel({ type: 'channel', title: 'Linked' });
    const bridge = await bridges.run({ env: { TELEGRAM_ALLOWED_CHATS: String(group.id) } });

    telegram.userSendsText({ from: OWNER, chatId: group.id, text: 'hello team' });
    await waitForNotice(telegram, group.id);
    expect(
      botMessages(telegram, group.id).some((m) => m.plainText === expectedReply('hello team')),
    ).toBe(true);
    const requests = model.chatRequests().length;
    const sent = botMessages(telegram, group.id).length;

    // An anonymous admin (as the group) and a channel post in the group: from is Telegram's
    // placeholder bot, the person behind it unknown, even if it is the owner.
    telegram.userSendsText({ from: OWNER, chatId: group.id, senderChat: group, text: 'as admin' });
    telegram.userSendsText({ from: OWNER, chatId: group.id, senderChat: channel, text: '/new' });
    await allHandled();
    expect(model.chatRequests().length).toBe(requests);
    expect(botMessages(telegram, group.id).length).toBe(sent);
    expect(bridge.lines.filter((l) => /sent on behalf of chat/.test(l))).toHaveLength(2);
    expect(telegram.botIsMember(group.id)).toBe(true);
    expect(
      telegram.calls((c) => c.method === 'leaveChat' && c.params['chat_id'] === group.id),
    ).toEqual([]);
  }, 120_000);
});

describe('the command menu', () => {
  it('is set for the allowlisted users’ private chats and the allowed groups only, the old global one deleted', async () => {
    const { telegram } = bench;
    const group = telegram.addForumGroup({ title: 'Menu', isForum: false });
    const other = telegram.addForumGroup({ title: 'Not allowed', isForum: false });
    // What an older bridge left behind: the menu in the default scope, seen in every chat.
    const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    await api.setMyCommands([{ command: 'help', description: 'old menu' }]);
    expect(telegram.menuFor({ chatId: STRANGER.id })).toHaveLength(1);

    // 7777 is allowlisted but has never messaged the bot: Telegram knows no chat with them yet.
    const later = { id: 7777, first_name: 'Grace' };
    const bridge = await bridges.run({
      env: {
        TELEGRAM_ALLOWED_USERS: `${OWNER.id},${later.id}`,
        TELEGRAM_ALLOWED_CHATS: String(group.id),
      },
    });
    await telegram.waitFor(() => telegram.commandsFor().length === 0, { timeoutMs: 30_000 });
    await bridge.waitForLine(/Could not put the command menu in chat 7777/);

    // (The bench's earlier bridges allowed other groups of this file: only chat scopes, ever.)
    const scopes = telegram.commands().map((set) => set.scope);
    expect(scopes).toEqual(
      expect.arrayContaining([
        { type: 'chat', chat_id: OWNER.id },
        { type: 'chat', chat_id: group.id },
      ]),
    );
    expect(scopes.filter((scope) => scope['type'] !== 'chat')).toEqual([]);
    const ownMenu = telegram.menuFor({ chatId: OWNER.id });
    expect(ownMenu.map((c) => c.command)).toContain('new');
    expect(telegram.menuFor({ chatId: group.id, userId: STRANGER.id })).toEqual(ownMenu);
    expect(telegram.menuFor({ chatId: STRANGER.id })).toEqual([]);
    expect(telegram.menuFor({ chatId: other.id, userId: OWNER.id })).toEqual([]);
    expect(bridge.lines.filter((l) => /Could not put the command menu/.test(l))).toHaveLength(1);

    // Their first message makes the chat known: the menu follows.
    telegram.addPrivateChat(later);
    telegram.userSendsText({ from: later, chatId: later.id, text: '/help' });
    await telegram.waitFor(() => telegram.menuFor({ chatId: later.id }).length > 0, {
      timeoutMs: 30_000,
    });
  }, 90_000);
});
