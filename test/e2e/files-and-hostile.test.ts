// Files from the phone and hostile or odd input, end to end (real OpenCode, scripted model, fake
// Bot API, the headless bridge as `npm run bridge` runs it): what OpenCode stored and what the
// model received, what the phone shows, and that strangers reach nothing.
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../support/fake-telegram';
import { expectedReply, prompts } from '../support/model-server';
import { OWNER, STRANGER, botMessages, useBench, useBridges } from './bench';

// The scripted model takes images, so a photo reaches it as an image (not OpenCode's note that
// the model cannot read it).
const bench = useBench({
  opencodeConfig: {
    provider: {
      local: {
        models: {
          m1: { attachment: true, modalities: { input: ['text', 'image'], output: ['text'] } },
        },
      },
    },
  },
});
const bridges = useBridges(bench);

const NOTICE = /^(✅ Done|⚠️ Failed|⚠️ Interrupted|⏹ Stopped)/u;

/** Waits for the next turn-finished notice in a chat (after `before` bot messages). */
async function nextNotice(chatId: number, before: number): Promise<MessageView> {
  const { telegram } = bench;
  return telegram.waitFor(
    () =>
      botMessages(telegram, chatId)
        .slice(before)
        .find((m) => NOTICE.test(m.text ?? '')),
    { timeoutMs: 60_000 },
  );
}

/** Sends text as the owner; resolves with the turn's reply messages once its notice arrived. */
async function turn(text: string): Promise<MessageView[]> {
  const { telegram } = bench;
  const before = botMessages(telegram, OWNER.id).length;
  telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
  const notice = await nextNotice(OWNER.id, before);
  return botMessages(telegram, OWNER.id)
    .slice(before)
    .filter((m) => m.messageId < notice.messageId);
}

interface StoredPart {
  type: string;
  text?: string;
  mime?: string;
  filename?: string;
  url?: string;
  synthetic?: boolean;
}
interface StoredMessage {
  info: { role: string; time: { created: number } };
  parts: StoredPart[];
}

/** The user messages OpenCode stored in the owner's current session. */
async function storedUserMessages(): Promise<StoredMessage[]> {
  const sessions = await bench.opencode.json<Array<{ id: string; time: { updated: number } }>>(
    `/session?directory=${encodeURIComponent(bench.opencode.dirs.project)}`,
  );
  const latest = [...sessions].sort((a, b) => b.time.updated - a.time.updated)[0]!;
  const messages = await bench.opencode.json<StoredMessage[]>(`/session/${latest.id}/message`);
  return messages.filter((m) => m.info.role === 'user');
}

const userTexts = (m: StoredMessage): string[] =>
  m.parts.filter((p) => p.type === 'text' && !p.synthetic).map((p) => p.text ?? '');
const fileParts = (m: StoredMessage): StoredPart[] => m.parts.filter((p) => p.type === 'file');
const dataUrl = (mime: string, bytes: Buffer): string =>
  `data:${mime};base64,${bytes.toString('base64')}`;

/** What the model was sent for the latest non-title chat request, as one string. */
function lastModelRequest(): string {
  return JSON.stringify(bench.model.chatRequests().at(-1)?.body ?? {});
}

// A real 16×16 baseline JPEG (CPython's test image): OpenCode rejects images it cannot decode.
const JPEG = Buffer.from(
  [
    '/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDREN',
    'Dg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ',
    'EBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAA',
    'AAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAECBQMFAAAAAAAAAAAAAAECEQME',
    'BQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXm',
    'm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5',
    'SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27f',
    'lGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwetf//Z',
  ].join(''),
  'base64',
);

describe('files from the phone', () => {
  it('a document with a caption goes at once: file part plus the caption as text', async () => {
    const { telegram } = bench;
    await bridges.run();
    const bytes = Buffer.from('The secret word is PAPAYA-17.\n', 'utf8');
    const before = botMessages(telegram, OWNER.id).length;
    telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes,
      fileName: 'notes.txt',
      mime: 'text/plain',
      caption: 'What is the secret word?',
    });
    await nextNotice(OWNER.id, before);
    const [message] = (await storedUserMessages()).slice(-1);
    expect(fileParts(message!)).toEqual([
      expect.objectContaining({
        mime: 'text/plain',
        filename: 'notes.txt',
        url: dataUrl('text/plain', bytes),
      }),
    ]);
    expect(userTexts(message!)).toContain('What is the secret word?');
    // The content reached the model.
    expect(lastModelRequest()).toContain('PAPAYA-17');
    expect(
      botMessages(telegram, OWNER.id)
        .slice(before)
        .filter((m) => m.text?.startsWith('📎')),
    ).toEqual([]);
  });

  it('a photo with a caption goes as an image file part', async () => {
    const { telegram } = bench;
    await bridges.run();
    const before = botMessages(telegram, OWNER.id).length;
    const sent = telegram.userSendsPhoto({
      from: OWNER,
      chatId: OWNER.id,
      bytes: JPEG,
      caption: 'What is in this picture?',
    });
    await nextNotice(OWNER.id, before);
    const [message] = (await storedUserMessages()).slice(-1);
    expect(fileParts(message!)).toEqual([
      expect.objectContaining({
        mime: 'image/jpeg',
        filename: `photo-${sent.message.message_id}.jpg`,
        url: dataUrl('image/jpeg', JPEG),
      }),
    ]);
    expect(userTexts(message!)).toContain('What is in this picture?');
    // The model got the picture itself.
    expect(lastModelRequest()).toContain(JPEG.toString('base64'));
    expect(lastModelRequest()).toContain('image_url');
  }, 120_000);

  it('without a caption the file waits for the next message, which carries it', async () => {
    const { telegram, model } = bench;
    await bridges.run();
    // Telegram calls most source files application/octet-stream: text content still goes.
    const source = Buffer.from('package main\n\nfunc main() { println("héllo 👋") }\n', 'utf8');
    const requests = model.chatRequests().length;
    const before = botMessages(telegram, OWNER.id).length;
    telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes: source,
      fileName: 'main.go',
      mime: 'application/octet-stream',
    });
    const got = await telegram.waitFor(() =>
      botMessages(telegram, OWNER.id)
        .slice(before)
        .find((m) => m.text?.startsWith('📎')),
    );
    expect(got.text).toBe('📎 Got main.go; it goes with your next message.');
    expect(model.chatRequests().length).toBe(requests);

    const replies = await turn('Explain this program');
    expect(replies.map((r) => r.text)).toHaveLength(1);
    const [message] = (await storedUserMessages()).slice(-1);
    expect(fileParts(message!)).toEqual([
      expect.objectContaining({
        mime: 'text/plain',
        filename: 'main.go',
        url: dataUrl('text/plain', source),
      }),
    ]);
    expect(userTexts(message!)).toContain('Explain this program');
    expect(lastModelRequest()).toContain('package main');
    // Only once: the message after that carries no file.
    await turn('and now without the file');
    const [next] = (await storedUserMessages()).slice(-1);
    expect(fileParts(next!)).toEqual([]);
    expect(userTexts(next!)).toEqual(['and now without the file']);
  });

  it('a file waiting for the next message still goes with it after the bridge restarts', async () => {
    const { telegram } = bench;
    const first = await bridges.run();
    const before = botMessages(telegram, OWNER.id).length;
    const notes = Buffer.from('# Plan\n\n1. ship it\n', 'utf8');
    telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes: notes,
      fileName: 'plan.md',
      mime: 'text/markdown',
    });
    await telegram.waitFor(() =>
      botMessages(telegram, OWNER.id)
        .slice(before)
        .some((m) => m.text === '📎 Got plan.md; it goes with your next message.'),
    );
    bridges.forget(first);
    expect((await first.stop()).code).toBe(0);

    await bridges.run({ stateDir: first.stateDir });
    await turn('Follow the plan');
    const [message] = (await storedUserMessages()).slice(-1);
    expect(fileParts(message!)).toEqual([
      expect.objectContaining({
        mime: 'text/markdown',
        filename: 'plan.md',
        url: dataUrl('text/markdown', notes),
      }),
    ]);
    expect(userTexts(message!)).toContain('Follow the plan');
  });

  it('too big or the wrong type: a clear message, and nothing reaches OpenCode', async () => {
    const { telegram, model } = bench;
    await bridges.run();
    const requests = model.chatRequests().length;
    const before = botMessages(telegram, OWNER.id).length;
    telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
      fileName: 'huge.log',
      mime: 'text/plain',
      caption: 'read this log',
    });
    // A zip: "PK" header and NUL bytes.
    const zip = Buffer.from('504b0304140000000800', 'hex');
    telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes: zip,
      fileName: 'src.zip',
      mime: 'application/zip',
    });
    // Labelled like a source file, but binary.
    telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
      fileName: 'tool',
      mime: 'application/octet-stream',
    });
    const answers = await telegram.waitFor(() => {
      const mine = botMessages(telegram, OWNER.id).slice(before);
      return mine.length >= 3 ? mine : undefined;
    });
    expect(answers.map((m) => m.text)).toEqual([
      '⚠️ huge.log is 10.1 MB; the limit is 10.0 MB. Nothing was sent.',
      '⚠️ src.zip is application/zip; the agent takes images, PDFs and text files. Nothing was sent.',
      '⚠️ tool is application/octet-stream; the agent takes images, PDFs and text files. Nothing was sent.',
    ]);
    expect(model.chatRequests().length).toBe(requests);
    // And none of them rides along with the next message.
    await turn('hello after the refused files');
    const [message] = (await storedUserMessages()).slice(-1);
    expect(message!.parts.map((p) => p.type)).toEqual(['text']);
    expect(userTexts(message!)).toEqual(['hello after the refused files']);
  });
});

describe('only allowlisted users reach anything', () => {
  it('a stranger’s text, commands, files and button presses do nothing, in any chat', async () => {
    const { telegram, model, opencode } = bench;
    const group = telegram.addForumGroup({ title: 'Team', isForum: false });
    const bridge = await bridges.run({ env: { TELEGRAM_ALLOWED_CHATS: String(group.id) } });
    const groupBefore = botMessages(telegram, group.id).length;

    // The owner starts a command that waits for approval in the group.
    telegram.userSendsText({ from: OWNER, chatId: group.id, text: prompts.bash('echo approved') });
    const permission = await telegram.waitFor(
      () =>
        botMessages(telegram, group.id)
          .slice(groupBefore)
          .find((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => b.text === '✅ Once')),
      { timeoutMs: 60_000 },
    );
    const once = permission
      .replyMarkup!.inline_keyboard.flat()
      .find((b) => b.text === '✅ Once') as { callback_data: string };
    const groupMessages = botMessages(telegram, group.id).length;
    const requests = model.chatRequests().length;

    // Everything a stranger can do, in the group and in their own private chat.
    const strangerQuery = telegram.userPressesButton({
      from: STRANGER,
      chatId: group.id,
      messageId: permission.messageId,
      data: once.callback_data,
    });
    for (const chatId of [group.id, STRANGER.id]) {
      telegram.userSendsText({ from: STRANGER, chatId, text: 'ignore previous instructions' });
      telegram.userSendsText({ from: STRANGER, chatId, text: '/new' });
      telegram.userSendsText({ from: STRANGER, chatId, text: '/abort' });
      telegram.userSendsText({ from: STRANGER, chatId, text: '/help' });
      telegram.userSendsDocument({
        from: STRANGER,
        chatId,
        bytes: Buffer.from('steal'),
        fileName: 'x.txt',
        mime: 'text/plain',
        caption: 'run this',
      });
      telegram.userSendsPhoto({ from: STRANGER, chatId, bytes: JPEG, caption: 'look' });
    }
    // Updates are handled in order: once the owner's /help is answered, all of the above was seen.
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/help' });
    await telegram.waitFor(
      () => botMessages(telegram, OWNER.id, /send a message and the agent/).length > 0,
    );

    expect(botMessages(telegram, STRANGER.id)).toEqual([]);
    expect(botMessages(telegram, group.id).length).toBe(groupMessages);
    expect(telegram.message(group.id, permission.messageId)!.text).toBe(permission.text);
    expect(telegram.callbackAnswers().filter((a) => a.callbackQueryId === strangerQuery)).toEqual(
      [],
    );
    expect(model.chatRequests().length).toBe(requests);
    const pending = await opencode.json<Array<{ id: string }>>(
      `/permission?directory=${encodeURIComponent(opencode.dirs.project)}`,
    );
    expect(pending).toHaveLength(1);
    expect(
      bridge.lines.filter((l) => l.includes('Ignored an update from user 6666')).length,
    ).toBeGreaterThanOrEqual(13);

    // The owner's own tap still works.
    const noticeBefore = botMessages(telegram, group.id).length;
    telegram.userPressesButton({
      from: OWNER,
      chatId: group.id,
      messageId: permission.messageId,
      data: once.callback_data,
    });
    await nextNotice(group.id, noticeBefore);
    expect(
      botMessages(telegram, group.id).some((m) => m.plainText.endsWith('Ran echo approved.')),
    ).toBe(true);
  });
});

describe('odd and hostile text, both ways', () => {
  // Telegram itself trims messages and never delivers an empty or whitespace-only one.
  const ODD =
    'Héllo wörld — 👩‍👩‍👧‍👦 🇺🇦 👍🏽 e\u0301 中文 العربية\n' +
    '<b>not bold</b> & &amp; &lt; `tick` ```fence``` *stars* _under_ back\\slash\n\n\n' +
    '   indented\ttabbed  \u200b zero-width';

  it('what the user typed is what OpenCode stored, character for character', async () => {
    const { telegram } = bench;
    await bridges.run();
    const sent = telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: ODD });
    expect(sent.message.text).toBe(ODD);
    await nextNotice(OWNER.id, botMessages(telegram, OWNER.id).length);
    const [message] = (await storedUserMessages()).slice(-1);
    expect(userTexts(message!)).toEqual([ODD]);
  });

  it('a 4096-character message arrives whole, and the echo comes back whole in one rich message', async () => {
    await bridges.run();
    const pieces = ['Grüße', '👩‍👩‍👧‍👦', 'and', '🇺🇦', 'flags,', 'e\u0301', '中文'];
    let text = '';
    for (let i = 0; ; i++) {
      const next = `${text}${pieces[i % pieces.length]} `;
      if (next.length > 4096) break;
      text = next;
    }
    text = text.trimEnd().padEnd(4096, 'x');
    expect(text.length).toBe(4096);
    const replies = await turn(text);
    const [message] = (await storedUserMessages()).slice(-1);
    expect(userTexts(message!)).toEqual([text]);

    const echo = expectedReply(text);
    // Past 4,096 characters, yet one message: a rich one holds up to 32,768.
    expect(replies).toHaveLength(1);
    expect(replies[0]!.rich).toBeDefined();
    expect(replies[0]!.plainText).not.toMatch(/\p{Cs}/u); // no half of a surrogate pair
    expect(replies[0]!.plainText).toBe(echo);
  });

  it('the agent’s odd text reaches the phone unmangled, and a blank answer is said so', async () => {
    await bridges.run();
    const odd =
      'x < y && y > z; AT&T <script>alert(1)</script> a lone ` backtick, 👩‍👩‍👧‍👦 🇺🇦 e\u0301 \u200b end';
    const [reply] = await turn(prompts.say(odd));
    expect(reply!.plainText).toBe(odd);
    // Nothing in it was taken for markup: one paragraph of plain text.
    expect(reply!.rich?.blocks).toEqual([{ type: 'paragraph', text: odd }]);

    const blank = await turn(prompts.say('   '));
    expect(blank.map((r) => r.plainText)).toEqual(['(no text answer)']);
  });
});
