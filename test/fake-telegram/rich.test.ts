import { describe, expect, it } from 'vitest';
import type { InputRichBlock } from 'grammy/types';
import { RICH_ERRORS } from '../support/fake-telegram/index';
import { alice, apiError, setup } from './helpers';

type Block = InputRichBlock;
const para = (text: string): Block => ({ type: 'paragraph', text });

describe('rich messages', () => {
  it('sends blocks and exposes the rich content and a plain rendering', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendRichMessage(alice.id, {
      blocks: [
        { type: 'heading', size: 2, text: 'Plan' },
        {
          type: 'list',
          items: [
            { blocks: [para('read')], value: 1, type: '1' },
            { blocks: [para('write')], value: 2, type: '1' },
          ],
        },
        { type: 'pre', text: 'npm test', language: 'sh' },
        {
          type: 'details',
          summary: 'Tools',
          blocks: [para('ran npm test')],
        },
      ],
    });
    expect(sent.rich_message.blocks[1]).toMatchObject({
      type: 'list',
      items: [{ label: '1.' }, { label: '2.' }],
    });
    const [view] = fake.messages(alice.id);
    expect(view?.text).toBeUndefined();
    expect(view?.rich?.source).toBe('blocks');
    expect(view?.plainText).toBe('Plan\n\n1. read\n2. write\n\nnpm test\n\nTools\nran npm test');
  });

  it('parses the rich html dialect and refuses unknown tags', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendRichMessage(alice.id, {
      html:
        '<h1>Title</h1><p>a <b>b</b> &amp; &mdash;</p><pre><code class="language-ts">x &lt; y</code></pre>' +
        '<table><tr><th>k</th><th>v</th></tr><tr><td>1</td><td>2</td></tr></table>' +
        '<details open><summary>More</summary><ul><li>one</li></ul></details>',
    });
    const [view] = fake.messages(alice.id);
    expect(view?.plainText).toBe('Title\n\na b & —\n\nx < y\n\nk | v\n1 | 2\n\nMore\n• one');
    expect(view?.raw.rich_message?.blocks[2]).toEqual({
      type: 'pre',
      text: 'x < y',
      language: 'ts',
    });
    const error = await apiError(
      bot.api.sendRichMessage(alice.id, { html: '<p>x</p><div>y</div>' }),
    );
    expect(error.description).toBe(
      'Bad Request: can\'t parse rich message: Unsupported tag "div" at byte offset 8',
    );
  });

  it('refuses raw HTML it does not know inside markdown', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendRichMessage(alice.id, { markdown: '# Hi\n\n**bold** and `code`' });
    expect(fake.messages(alice.id)[0]?.plainText).toBe('Hi\n\nbold and code');
    const error = await apiError(bot.api.sendRichMessage(alice.id, { markdown: 'a <div> b' }));
    expect(error.description).toMatch(
      /^Bad Request: can't parse rich message: Unsupported tag "div"/,
    );
  });

  it('enforces the documented limits', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const send = (blocks: Block[]) => apiError(bot.api.sendRichMessage(alice.id, { blocks }));
    // 32,768 characters (code points) pass, one more does not; emoji count as one.
    await bot.api.sendRichMessage(alice.id, { blocks: [para('😀'.repeat(32_768))] });
    expect((await send([para('a'.repeat(32_769))])).description).toBe(RICH_ERRORS.tooLong);
    // 500 blocks pass; list items count as blocks too.
    await bot.api.sendRichMessage(alice.id, {
      blocks: Array.from({ length: 500 }, () => para('x')),
    });
    const items = Array.from({ length: 250 }, () => ({ blocks: [para('x')] }));
    expect((await send([{ type: 'list', items }])).description).toBe(RICH_ERRORS.tooManyBlocks);
    const row = (n: number) =>
      Array.from({ length: n }, () => ({
        text: 'c',
        align: 'left' as const,
        valign: 'top' as const,
      }));
    await bot.api.sendRichMessage(alice.id, { blocks: [{ type: 'table', cells: [row(20)] }] });
    expect((await send([{ type: 'table', cells: [row(21)] }])).description).toBe(
      RICH_ERRORS.tooManyColumns,
    );
    let deep: Block = para('x');
    for (let i = 0; i < 16; i++) deep = { type: 'blockquote', blocks: [deep] };
    expect((await send([deep])).description).toBe(RICH_ERRORS.tooDeep);
    expect((await send([{ type: 'thinking', text: 'hm' }])).description).toBe(
      RICH_ERRORS.thinkingOutsideDraft,
    );
    expect((await send([{ type: 'nope' } as unknown as Block])).description).toBe(
      'Bad Request: can\'t parse rich message: unsupported block type "nope"',
    );
    expect(
      (await apiError(bot.api.sendRichMessage(alice.id, { html: '<p>a</p>', markdown: 'a' })))
        .description,
    ).toBe(RICH_ERRORS.notOne);
    const unsafe = [{ type: 'paragraph', text: { type: 'url', text: 'x', url: 'javascript:1' } }];
    expect((await send(unsafe as Block[])).description).toBe(
      'Bad Request: can\'t parse rich message: unsupported URL "javascript:1"',
    );
  });

  it('edits text into rich content and back, and refuses an identical edit', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendMessage(alice.id, 'streaming…');
    await bot.api.editMessageText(alice.id, sent.message_id, { blocks: [para('final')] });
    expect(fake.message(alice.id, sent.message_id)).toMatchObject({
      text: undefined,
      plainText: 'final',
      editCount: 1,
    });
    const same = await apiError(
      bot.api.editMessageText(alice.id, sent.message_id, { blocks: [para('final')] }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    await bot.api.editMessageReplyMarkup(alice.id, sent.message_id, {
      reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'ok' }]] },
    });
    expect(fake.message(alice.id, sent.message_id)?.plainText).toBe('final');
    await bot.api.editMessageText(alice.id, sent.message_id, 'plain again');
    expect(fake.message(alice.id, sent.message_id)).toMatchObject({
      text: 'plain again',
      rich: undefined,
    });
  });

  it('clears the draft and accepts message_thread_id in forum topics', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    await bot.api.sendMessageDraft(alice.id, 1, 'partial');
    await bot.api.sendRichMessage(alice.id, { blocks: [para('whole')] });
    expect(fake.drafts(alice.id)).toEqual([]);
    const group = fake.addForumGroup({ title: 'Projects' });
    const topic = await bot.api.createForumTopic(group.id, 'work');
    const inTopic = await bot.api.sendRichMessage(
      group.id,
      { blocks: [para('in topic')] },
      { message_thread_id: topic.message_thread_id },
    );
    expect(inTopic.message_thread_id).toBe(topic.message_thread_id);
    expect(fake.messages(group.id, topic.message_thread_id).map((m) => m.plainText)).toEqual([
      'in topic',
    ]);
  });
});
