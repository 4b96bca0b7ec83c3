// What the phone shows of a turn, end to end (real OpenCode, scripted model, fake Bot API, the
// headless bridge as `npm run bridge` runs it): Markdown as Telegram HTML, long answers split,
// tool activity in one line, reasoning on request, the notice that buzzes, errors in words.
import { describe, expect, it } from 'vitest';
import type { CallRecord, MessageView } from '../support/fake-telegram';
import { REASONED_REPLY, expectedReply, prompts } from '../support/model-server';
import { HTML_PATH, OWNER, botMessages, useBench, useBridges } from './bench';

const bench = useBench();
// The HTML edit/split path (a server without drafts and rich messages, or BRIDGE_STREAMING=edit
// BRIDGE_RICH=off); drafts.test.ts covers what a private chat gets by default.
const bridges = useBridges(bench, HTML_PATH);

// The turn-finished notice (not "⏹ Stopping the agent…", the answer to /abort).
const NOTICE = /^(✅ Done|⚠️ Failed|⚠️ Interrupted|⏹ Stopped)/u;

interface Turn {
  /** Bot messages of this turn before the notice (the reply and its continuations). */
  replies: MessageView[];
  notice: MessageView;
  /** Telegram calls made during the turn. */
  calls: CallRecord[];
}

/** Sends `text` as the owner and waits for the turn's notice. */
async function turn(text: string, timeoutMs = 60_000): Promise<Turn> {
  const { telegram } = bench;
  const before = botMessages(telegram, OWNER.id).length;
  const callsBefore = telegram.calls().length;
  telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
  const notice = await telegram.waitFor(
    () =>
      botMessages(telegram, OWNER.id)
        .slice(before)
        .find((m) => NOTICE.test(m.text ?? '')),
    { timeoutMs },
  );
  // The fake records a call once its handler has returned, a moment after the message shows.
  await telegram.waitFor(() =>
    telegram
      .calls()
      .some(
        (c) =>
          c.ok &&
          c.params['chat_id'] === OWNER.id &&
          (c.result as { message_id?: number } | undefined)?.message_id === notice.messageId,
      ),
  );
  const mine = botMessages(telegram, OWNER.id).slice(before);
  return {
    replies: mine.filter((m) => m.messageId < notice.messageId),
    notice,
    calls: telegram.calls().slice(callsBefore),
  };
}

const entityTypes = (m: MessageView): string[] => m.entities.map((e) => e.type);
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

describe('Markdown becomes Telegram HTML', () => {
  it('renders bold, italics, links, code, a fenced block, lists and quotes, everything escaped', async () => {
    await bridges.run();
    const markdown = [
      '**Bold** and *italic* with [a link](https://example.com/a?b=1&c=2) and `x < y && z`.',
      '',
      '```ts',
      'const tag = "<b>" + a & b;',
      '```',
      '',
      '- first <item>',
      '- second & last',
      '',
      '> quoted wisdom',
    ].join('\n');
    const { replies } = await turn(prompts.say(markdown));
    expect(replies).toHaveLength(1);
    const reply = replies[0]!;
    expect(reply.html).toContain('<b>Bold</b>');
    expect(reply.html).toContain('<i>italic</i>');
    expect(reply.html).toContain('<a href="https://example.com/a?b=1&amp;c=2">a link</a>');
    expect(reply.html).toContain('<code>x &lt; y &amp;&amp; z</code>');
    expect(reply.html).toContain(
      '<pre><code class="language-ts">const tag = "&lt;b&gt;" + a &amp; b;</code></pre>',
    );
    expect(reply.html).toMatch(/<blockquote>quoted wisdom<\/blockquote>/);
    // What the phone displays: no Markdown syntax left, the special characters intact.
    expect(reply.text).toContain('Bold and italic with a link and x < y && z.');
    expect(reply.text).toContain('const tag = "<b>" + a & b;');
    expect(reply.text).toMatch(/first <item>\n.*second & last/);
    expect(reply.text).not.toMatch(/\*\*|```|^> /m);
    expect(entityTypes(reply)).toEqual(
      expect.arrayContaining(['bold', 'italic', 'text_link', 'code', 'pre', 'blockquote']),
    );
    expect(reply.entities.find((e) => e.type === 'text_link')).toMatchObject({
      url: 'https://example.com/a?b=1&c=2',
    });
    expect(reply.entities.find((e) => e.type === 'pre')).toMatchObject({ language: 'ts' });
  });

  it('falls back to plain text with the full text when Telegram rejects the HTML of an edit', async () => {
    const { telegram } = bench;
    await bridges.run();
    const answer = '**Fallback** test: keep `every` word & sign <3.';
    const visible = 'Fallback test: keep every word & sign <3.';
    // The live message exists before the model answers; the next edit is rejected once.
    const before = botMessages(telegram, OWNER.id).length;
    const done = turn(prompts.say(answer));
    await telegram.waitFor(() => botMessages(telegram, OWNER.id).length > before);
    telegram.failNext('editMessageText', {
      error_code: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "b" at byte offset 0',
    });
    const { replies, calls } = await done;
    const edits = calls.filter((c) => c.method === 'editMessageText');
    const rejected = edits.findIndex((c) => !c.ok);
    expect(rejected, JSON.stringify(edits.map((c) => [c.ok, c.params]))).toBeGreaterThanOrEqual(0);
    // The very next edit carries the same text without formatting.
    const retry = edits[rejected + 1]!;
    expect(retry.ok).toBe(true);
    expect(retry.params['parse_mode']).toBeUndefined();
    expect(retry.params['text']).toBe(
      String(edits[rejected]!.params['text'])
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    );
    // And the phone ends up with the whole answer.
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe(visible);
  });
});

describe('long answers', () => {
  it('continue in further messages split at paragraphs, formatting valid on both sides', async () => {
    const { telegram } = bench;
    await bridges.run();
    const prompt = prompts.stream(12_000, { tps: 2000, md: true });
    // The continuation after the first message is rejected once: it must arrive as plain text.
    const before = botMessages(telegram, OWNER.id).length;
    const done = turn(prompt);
    await telegram.waitFor(() => botMessages(telegram, OWNER.id).length > before);
    telegram.failNext('sendMessage', {
      error_code: 400,
      description:
        'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "i"',
    });
    const { replies, notice, calls } = await done;

    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const r of replies) expect(r.text!.length).toBeLessThanOrEqual(4096);
    // Concatenated, the messages say exactly what the model wrote (minus Markdown syntax and the
    // whitespace dropped at each cut).
    const model = expectedReply(prompt)
      .replace('```ts\n', '')
      .replace('\n```', '')
      .replace(/\*\*|`/g, '');
    expect(squash(replies.map((r) => r.text).join(' '))).toBe(squash(model));
    // Cuts fall at paragraph ends: each message but the last ends a sentence.
    for (const r of replies.slice(0, -1)) expect(r.text).toMatch(/\.$/);
    // The first message keeps its formatting: bold, inline code and the highlighted block.
    expect(replies[0]!.html).toContain('<pre><code class="language-ts">const answer = 42;');
    expect(entityTypes(replies[0]!)).toEqual(expect.arrayContaining(['bold', 'code', 'pre']));
    // The rejected continuation went out as plain text.
    const sends = calls.filter(
      (c) => c.method === 'sendMessage' && c.params['chat_id'] === OWNER.id,
    );
    const rejected = sends.findIndex((c) => !c.ok);
    expect(rejected).toBeGreaterThan(0);
    expect(sends[rejected + 1]!.params['parse_mode']).toBeUndefined();
    expect(replies[1]!.html).toBeUndefined();
    expect(replies[1]!.text!.length).toBeGreaterThan(1000);

    // Streamed messages are silent; the notice is the one that buzzes.
    const sent = (m: MessageView): CallRecord =>
      calls.find(
        (c) =>
          c.method === 'sendMessage' &&
          c.ok &&
          (c.result as { message_id?: number } | undefined)?.message_id === m.messageId,
      )!;
    for (const r of replies) expect(sent(r).params['disable_notification']).toBe(true);
    expect(sent(notice).params['disable_notification']).toBeUndefined();
    expect(notice.text).toMatch(/^✅ Done in \d+ s · [\d,]+ tokens/);
  });

  it('delivers a single huge code block in full', async () => {
    await bridges.run();
    const code = Array.from(
      { length: 160 },
      (_, i) => `export const value${i} = compute(${i}, 'item-${i}') && check(${i} < ${i + 1});`,
    ).join('\n');
    expect(code.length).toBeGreaterThan(4096 * 2);
    const { replies } = await turn(prompts.say('```ts\n' + code + '\n```'));
    // Today: split over several messages, each a highlighted code block, nothing lost.
    // (Once sent as a document, the document test below covers it.)
    const documents = replies.filter((r) => r.document);
    const shown =
      documents.length > 0
        ? documents[0]!.document!.bytes.toString('utf8')
        : replies.map((r) => r.text).join('\n');
    expect(shown.trimEnd()).toBe(code);
  });

  it('sends a single huge code block as a .ts document', async () => {
    await bridges.run();
    const code = Array.from(
      { length: 120 },
      (_, i) => `const line${i} = ${i} * 2; // <${i}> & co`,
    ).join('\n');
    const { replies } = await turn(prompts.say('Here is the file:\n\n```ts\n' + code + '\n```'));
    const document = replies.find((r) => r.document)?.document;
    expect(document?.fileName).toMatch(/\.ts$/);
    expect(document?.bytes.toString('utf8').trimEnd()).toBe(code);
    // The text around it is still shown, and the code is not also pasted as messages.
    expect(
      replies.some(
        (r) => r.text?.includes('Here is the file:') || r.caption?.includes('Here is the file:'),
      ),
    ).toBe(true);
    expect(replies.filter((r) => r.text?.includes('const line0 = 0'))).toEqual([]);
  });
});

describe('tool activity, reasoning and the notice', () => {
  it('condenses tool activity into one line and keeps command output out of the chat', async () => {
    const { telegram } = bench;
    await bridges.run();
    const command = 'echo fourty-two | tr a-z A-Z';
    const before = botMessages(telegram, OWNER.id).length;
    const done = turn(prompts.bash(command));
    const permission = await telegram.waitFor(
      () =>
        botMessages(telegram, OWNER.id)
          .slice(before)
          .find((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => b.text === '✅ Once')),
      { timeoutMs: 60_000 },
    );
    // While the command waits for approval, the live message already names it.
    const live = await telegram.waitFor(() =>
      botMessages(telegram, OWNER.id)
        .slice(before)
        .find((m) => m.text === `🔧 ran ${command}…\n\n⏳ working…`),
    );
    const once = permission
      .replyMarkup!.inline_keyboard.flat()
      .find((b) => b.text === '✅ Once') as { callback_data: string };
    telegram.userPressesButton({
      from: OWNER,
      chatId: OWNER.id,
      messageId: permission.messageId,
      data: once.callback_data,
    });
    const { replies } = await done;
    const reply = replies.find((r) => r.messageId === live.messageId)!;
    // The final answer in full under the one condensed line; the same message, edited.
    expect(reply.text).toBe(`🔧 ran ${command}\n\n${expectedReply(prompts.bash(command))}`);
    expect(reply.html).toBe(`🔧 <i>ran ${command}</i>\n\n${expectedReply(prompts.bash(command))}`);
    // The command's output (FOURTY-TWO) stays on the computer.
    expect(botMessages(telegram, OWNER.id).filter((m) => m.text?.includes('FOURTY-TWO'))).toEqual(
      [],
    );
  });

  it('shows reasoning only after /reasoning on', async () => {
    const { telegram } = bench;
    await bridges.run();
    const thought = 'Weighing option A against option B';
    const hidden = await turn(prompts.reason(thought));
    expect(hidden.replies.map((r) => r.text)).toEqual([REASONED_REPLY]);

    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/reasoning on' });
    await telegram.waitFor(() => botMessages(telegram, OWNER.id, /Reasoning is shown/).length > 0);
    const shown = await turn(prompts.reason(thought));
    expect(shown.replies).toHaveLength(1);
    expect(shown.replies[0]!.text).toBe(`💭 ${thought}\n\n${REASONED_REPLY}`);
    expect(entityTypes(shown.replies[0]!)).toContain('expandable_blockquote');
  });
});

describe('OpenCode errors in plain words', () => {
  // Fails until live-turn.ts stops calling a failed or aborted turn "interrupted" (see report):
  // OpenCode sends session.error and the first session.idle before it stores the error on the
  // message, so the stored message still looks unfinished when the turn is read back.
  it('a rejected API key: a notice saying the model API answered with an error', async () => {
    await bridges.run();
    const { replies, notice } = await turn(prompts.error(401));
    expect(notice.text).toMatch(
      /^⚠️ Failed after \d+ s: the model(’s|'s| provider).*(API answered with an error|rejected OpenCode’s credentials).*Invalid API key \(scripted\)/u,
    );
    // The reply message does not stay "working…" forever.
    expect(replies.map((r) => r.text)).toEqual(['(failed before answering)']);
  });

  // Fails until the same live-turn.ts fix (an abort is read back as "interrupted" too).
  it('an abort the user asked for is not shown as an error', async () => {
    const { telegram } = bench;
    await bridges.run();
    const before = botMessages(telegram, OWNER.id).length;
    const done = turn(prompts.slow({ ms: 100, secs: 30 }));
    await telegram.waitFor(
      () =>
        botMessages(telegram, OWNER.id)
          .slice(before)
          .find((m) => m.text?.includes('tick 3')),
      { timeoutMs: 60_000 },
    );
    telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: '/abort' });
    const { replies, notice } = await done;
    expect(notice.text).toMatch(/^⏹ Stopped after \d+ s\.$/u);
    const all = botMessages(telegram, OWNER.id).slice(before);
    expect(all.filter((m) => /⚠️|error/i.test(m.text ?? ''))).toEqual([]);
    const answer = replies.find((r) => r.text?.includes('tick 1'))!;
    expect(answer.text).toMatch(/^tick 1 tick 2 tick 3/);
    expect(answer.text).not.toMatch(/working…$/u);
  });

  it('server errors: "retrying (attempt n)" while OpenCode retries, then the answer', async () => {
    await bridges.run();
    const prompt = prompts.error(500, { times: 2 });
    const { replies, notice } = await turn(prompt);
    expect(notice.text).toMatch(/^✅ Done/u);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe(expectedReply(prompt));
    const versions = replies[0]!.history.map((v) => v.text ?? '');
    expect(versions.some((t) => /🔁 retrying \(attempt 1\)/u.test(t))).toBe(true);
  });
});
