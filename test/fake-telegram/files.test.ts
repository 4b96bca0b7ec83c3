import { describe, expect, it } from 'vitest';
import { InputFile } from 'grammy';
import { alice, apiError, setup } from './helpers';

// A 2x1 PNG header is enough for the fake to read the size.
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452000000020000000108060000001f15c489', 'hex'),
  Buffer.alloc(16),
]);

describe('files', () => {
  it('a document sent by the user can be fetched through getFile and the download URL', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const bytes = Buffer.from('diff --git a/x b/x\n');
    const { message } = fake.userSendsDocument({
      from: alice,
      chatId: alice.id,
      bytes,
      fileName: 'change.patch',
      mime: 'text/x-diff',
      caption: 'please apply',
    });
    expect(message.document).toMatchObject({
      file_name: 'change.patch',
      mime_type: 'text/x-diff',
      file_size: bytes.length,
    });
    expect(message.caption).toBe('please apply');

    const file = await bot.api.getFile(message.document!.file_id);
    expect(file.file_size).toBe(bytes.length);
    expect(file.file_path).toMatch(/^documents\/file_\d+\.patch$/);
    const response = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);

    expect((await fetch(`${fake.apiRoot}/file/bot${fake.token}/documents/nope.txt`)).status).toBe(
      404,
    );
    expect((await apiError(bot.api.getFile('nope'))).description).toBe(
      'Bad Request: invalid file_id',
    );
  });

  it('user photos come as a PhotoSize array', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const { message } = fake.userSendsPhoto({
      from: alice,
      chatId: alice.id,
      bytes: PNG,
      width: 1600,
      height: 1200,
    });
    expect(message.photo?.map((p) => [p.width, p.height])).toEqual([
      [90, 68],
      [320, 240],
      [800, 600],
      [1280, 960],
    ]);
    const largest = await bot.api.getFile(message.photo!.at(-1)!.file_id);
    expect(largest.file_path).toMatch(/^photos\//);
  });

  it('sendDocument uploads via multipart with caption limits', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendDocument(
      alice.id,
      new InputFile(Buffer.from('hello'), 'notes.md'),
      {
        caption: '<b>notes</b>',
        parse_mode: 'HTML',
      },
    );
    expect(sent.document).toMatchObject({
      file_name: 'notes.md',
      mime_type: 'text/markdown',
      file_size: 5,
    });
    expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
    expect(fake.messages(alice.id)[0]?.document?.bytes.toString()).toBe('hello');
    expect(fake.calls('sendDocument')[0]?.params['chat_id']).toBe(String(alice.id));

    // Re-send by file_id.
    const again = await bot.api.sendDocument(alice.id, sent.document.file_id);
    expect(again.document.file_id).toBe(sent.document.file_id);

    const long = await apiError(
      bot.api.sendDocument(alice.id, new InputFile(Buffer.from('x'), 'a.txt'), {
        caption: `<i>${'c'.repeat(1025)}</i>`,
        parse_mode: 'HTML',
      }),
    );
    expect(long.description).toBe('Bad Request: message caption is too long');
  });

  it('sendPhoto accepts images and rejects other bytes', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const sent = await bot.api.sendPhoto(alice.id, new InputFile(PNG, 'shot.png'));
    expect(sent.photo.at(-1)).toMatchObject({ width: 2, height: 1 });
    const bad = await apiError(
      bot.api.sendPhoto(alice.id, new InputFile(Buffer.from('not an image'), 'x.png')),
    );
    expect(bad.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
  });
});
