import { describe, expect, it } from 'vitest';
import { alice, apiError, setup } from './helpers';

const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 7)]);

async function download(apiRoot: string, token: string, filePath: string): Promise<Buffer> {
  const response = await fetch(`${apiRoot}/file/bot${token}/${filePath}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('voice and audio messages', () => {
  it('a voice note comes as a Voice whose file downloads through getFile', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const { message, update } = fake.userSendsVoice({
      from: alice,
      chatId: alice.id,
      bytes: OGG,
      duration: 4,
    });
    expect(update?.message?.voice).toEqual(message.voice);
    expect(message.voice).toMatchObject({
      duration: 4,
      mime_type: 'audio/ogg',
      file_size: OGG.length,
    });
    expect(message.voice?.file_id).toMatch(/^AwAC/);
    expect(message.text).toBeUndefined();
    expect(message.caption).toBeUndefined();

    const file = await bot.api.getFile(message.voice!.file_id);
    expect(file.file_path).toMatch(/^voice\/file_\d+\.oga$/);
    expect(file.file_size).toBe(OGG.length);
    expect(await download(fake.apiRoot, fake.token, file.file_path!)).toEqual(OGG);
  });

  it('an audio file comes as an Audio with its name, type and caption', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const bytes = Buffer.from('ID3 not really an mp3');
    const { message } = fake.userSendsAudio({
      from: alice,
      chatId: alice.id,
      bytes,
      duration: 95,
      fileName: 'standup.m4a',
      mimeType: 'audio/mp4',
      caption: 'notes from the standup',
    });
    expect(message.audio).toMatchObject({
      duration: 95,
      file_name: 'standup.m4a',
      mime_type: 'audio/mp4',
      file_size: bytes.length,
    });
    expect(message.caption).toBe('notes from the standup');
    const file = await bot.api.getFile(message.audio!.file_id);
    expect(file.file_path).toMatch(/^music\/file_\d+\.m4a$/);
    expect(await download(fake.apiRoot, fake.token, file.file_path!)).toEqual(bytes);
  });

  it('a voice note in a forum topic carries the topic', async () => {
    const { fake, bot } = await setup();
    const group = fake.addForumGroup({ title: 'Team' });
    const topic = await bot.api.createForumTopic(group.id, 'voice');
    const { message } = fake.userSendsVoice({
      from: alice,
      chatId: group.id,
      threadId: topic.message_thread_id,
      bytes: OGG,
      duration: 2,
    });
    expect(message.message_thread_id).toBe(topic.message_thread_id);
    expect(message.is_topic_message).toBe(true);
  });

  it('getFile refuses a voice note over the 20 MB bot download limit, as Telegram does', async () => {
    const { fake, bot } = await setup();
    fake.addPrivateChat(alice);
    const { message } = fake.userSendsVoice({
      from: alice,
      chatId: alice.id,
      bytes: Buffer.alloc(20 * 1024 * 1024 + 1),
      duration: 1200,
    });
    expect(message.voice?.file_size).toBe(20 * 1024 * 1024 + 1);
    expect((await apiError(bot.api.getFile(message.voice!.file_id))).description).toBe(
      'Bad Request: file is too big',
    );
  });

  it('refuses a duration that is not whole seconds', async () => {
    const { fake } = await setup();
    fake.addPrivateChat(alice);
    expect(() =>
      fake.userSendsVoice({ from: alice, chatId: alice.id, bytes: OGG, duration: 1.5 }),
    ).toThrow(/whole seconds/);
  });
});
