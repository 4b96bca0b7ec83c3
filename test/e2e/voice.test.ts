// Voice notes end to end: the real OpenCode, the scripted model, the fake Bot API, the fake OpenAI
// transcription endpoint and the headless bridge as `npm run bridge` runs it. What the phone shows,
// what the endpoint received, and what OpenCode and the model got (or did not get).
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../support/fake-telegram';
import { expectedReply, prompts } from '../support/model-server';
import {
  startTranscriptionServer,
  type TranscriptionServer,
} from '../support/transcription-server';
import {
  OWNER,
  STRANGER,
  botMessages,
  chatStateOf,
  sessionOf,
  tempDir,
  useBench,
  useBridges,
  userTextsOf,
} from './bench';

const bench = useBench();
const bridges = useBridges(bench);
// Telegram confirms an update only with the next poll: let each bridge get back to polling before
// it is stopped, or the next test's bridge (fresh state) is handed the last update again.
afterEach(async () => {
  await bench.telegram
    .waitFor(() => bench.telegram.isPolling(), { timeoutMs: 10_000 })
    .catch(() => undefined);
});
let stt: TranscriptionServer;
beforeAll(async () => {
  stt = await startTranscriptionServer();
});
afterAll(async () => stt.close());

const TURN_MS = 60_000;
const TEST_MS = 150_000;
const NOTICE = /^(✅ Done|⚠️ Failed|⚠️ Interrupted|⏹ Stopped)/u;

const voiceEnv = (): Record<string, string> => ({
  BRIDGE_TRANSCRIBE_URL: stt.baseUrl,
  BRIDGE_TRANSCRIBE_KEY: stt.apiKey!,
});

let notes = 0;
/** Fresh OGG-looking bytes the endpoint transcribes to `transcript`. */
function note(transcript: string): Buffer {
  const bytes = Buffer.concat([Buffer.from(`OggS note ${++notes} `), randomBytes(64)]);
  stt.script(bytes, transcript);
  return bytes;
}

function lastMessageId(): number {
  return bench.telegram.messages(OWNER.id).at(-1)?.messageId ?? 0;
}

function since(first: number): (pattern?: RegExp) => MessageView[] {
  return (pattern) =>
    botMessages(bench.telegram, OWNER.id, pattern).filter((m) => m.messageId > first);
}

function waitForText(
  mine: (p?: RegExp) => MessageView[],
  test: RegExp | string,
  timeoutMs = TURN_MS,
): Promise<MessageView> {
  return bench.telegram.waitFor(
    () =>
      mine().find((m) =>
        typeof test === 'string' ? m.plainText === test : test.test(m.plainText),
      ),
    { timeoutMs },
  );
}

function sendVoice(bytes: Buffer, duration = 4): number {
  return bench.telegram.userSendsVoice({ from: OWNER, chatId: OWNER.id, bytes, duration }).message
    .message_id;
}

function pressOnly(m: MessageView): string {
  const button = m.replyMarkup?.inline_keyboard.flat()[0];
  if (!button || !('callback_data' in button)) throw new Error(`no button on ${m.text}`);
  return bench.telegram.userPressesButton({
    from: OWNER,
    chatId: OWNER.id,
    messageId: m.messageId,
    data: button.callback_data,
  });
}

/** Every text the bot sent or showed in the owner's chat, all versions. */
function everythingShown(): string {
  return bench.telegram
    .messages(OWNER.id)
    .flatMap((m) => m.history.map((h) => h.text ?? ''))
    .join('\n');
}

describe('voice notes', { timeout: TEST_MS }, () => {
  it('become the prompt: the transcript is shown first, then the answer; the key stays out of the logs', async () => {
    const bridge = await bridges.run({ env: voiceEnv() });
    const mine = since(lastMessageId());
    const spoken = 'fix the failing test in auth and run it';
    const bytes = note(spoken);
    const voiceId = sendVoice(bytes);

    const echo = await waitForText(mine, `🎙 "${spoken}"`);
    const answer = await waitForText(mine, expectedReply(spoken));
    await waitForText(mine, NOTICE);
    expect(echo.messageId).toBeLessThan(answer.messageId);
    expect(echo.raw.reply_to_message?.message_id).toBe(voiceId);

    expect(await userTextsOf(bench, await sessionOf(bridge.stateDir))).toEqual([spoken]);
    expect(bench.model.chatRequests().at(-1)?.userText).toBe(spoken);
    expect(stt.requests.at(-1)).toMatchObject({
      path: '/v1/audio/transcriptions',
      authorization: `Bearer ${stt.apiKey}`,
      model: 'whisper-1',
      file: { filename: 'voice.ogg', type: 'audio/ogg', bytes },
      status: 200,
    });
    expect(bridge.lines.join('\n')).toMatch(/Voice notes are transcribed at 127\.0\.0\.1:\d+/);
    expect(bridge.lines.join('\n')).not.toContain(stt.apiKey!);
    expect(bridge.lines.join('\n')).not.toContain(spoken);
  });

  it('an audio file with a caption goes as caption plus transcript, with its own name', async () => {
    const bridge = await bridges.run({ env: voiceEnv() });
    const mine = since(lastMessageId());
    const bytes = note('and keep the old API working');
    bench.telegram.userSendsAudio({
      from: OWNER,
      chatId: OWNER.id,
      bytes,
      duration: 20,
      fileName: 'memo.m4a',
      mimeType: 'audio/mp4',
      caption: 'Refactor the login flow',
    });
    const prompt = 'Refactor the login flow\n\nand keep the old API working';
    await waitForText(mine, expectedReply(prompt));
    expect(await userTextsOf(bench, await sessionOf(bridge.stateDir))).toEqual([prompt]);
    expect(stt.requests.at(-1)?.file).toMatchObject({ filename: 'memo.m4a', type: 'audio/mp4' });
  });

  it('takes the files waiting for the next message along, as typed text does', async () => {
    const bridge = await bridges.run({ env: voiceEnv() });
    const mine = since(lastMessageId());
    const notes = Buffer.from('the flaky test is auth.spec.ts\n');
    bench.telegram.userSendsDocument({
      from: OWNER,
      chatId: OWNER.id,
      bytes: notes,
      fileName: 'notes.txt',
      mime: 'text/plain',
    });
    await waitForText(mine, /^📎 Got notes\.txt/u);
    const spoken = 'read the notes and fix it';
    sendVoice(note(spoken));
    await waitForText(mine, NOTICE);
    const sessionId = await sessionOf(bridge.stateDir);
    const history = await bench.opencode.json<
      Array<{ info: { role: string }; parts: Array<{ type: string; filename?: string }> }>
    >(`/session/${sessionId}/message`);
    const users = history.filter((m) => m.info.role === 'user');
    expect(users).toHaveLength(1);
    expect(users[0]!.parts.filter((p) => p.type === 'file').map((p) => p.filename)).toEqual([
      'notes.txt',
    ]);
    expect(await userTextsOf(bench, sessionId)).toContain(spoken);
  });

  it('a voice note answers the agent’s open question, like a typed answer', async () => {
    const bridge = await bridges.run({ env: voiceEnv() });
    const mine = since(lastMessageId());
    const text = prompts.question();
    bench.telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text });
    const question = await waitForText(mine, /^❓/u);

    sendVoice(note('Blue'));
    await waitForText(mine, '🎙 "Blue"');
    expect(expectedReply(text, { answers: [['Blue']] })).toBe('You chose Blue.');
    await waitForText(mine, /\n\nYou chose Blue\.$/u);
    await bench.telegram.waitFor(() =>
      bench.telegram.message(OWNER.id, question.messageId)?.text?.endsWith('✅ Answered: Blue'),
    );
    expect(await userTextsOf(bench, await sessionOf(bridge.stateDir))).toEqual([text]);
  });

  it('endpoint down: says so, sends nothing; the retry button works once it is back', async () => {
    const bridge = await bridges.run({ env: voiceEnv() });
    const mine = since(lastMessageId());
    const modelCalls = bench.model.chatRequests().length;
    const spoken = 'run the linter';
    const bytes = note(spoken);
    await stt.setDown(true);
    try {
      sendVoice(bytes);
      const failure = await waitForText(mine, /^🎙 Could not transcribe/u);
      expect(failure.text).toMatch(
        /^🎙 Could not transcribe this voice note: the transcription service at 127\.0\.0\.1:\d+ could not be reached \(connection refused\)\. Nothing was sent to the agent\.$/u,
      );
      expect(failure.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
        '🔁 Try again',
      ]);
      expect((await chatStateOf(bridge.stateDir))?.sessionId).toBeUndefined();
      expect(bench.model.chatRequests()).toHaveLength(modelCalls);

      await stt.setDown(false);
      const query = pressOnly(failure);
      const answered = await bench.telegram.waitFor(() =>
        bench.telegram.callbackAnswers().find((a) => a.callbackQueryId === query),
      );
      expect(answered.text).toBe('Trying again');
      await waitForText(mine, `🎙 "${spoken}"`);
      await waitForText(mine, expectedReply(spoken));
      expect(await userTextsOf(bench, await sessionOf(bridge.stateDir))).toEqual([spoken]);
      expect(bench.telegram.message(OWNER.id, failure.messageId)?.replyMarkup).toBeUndefined();
    } finally {
      await stt.setDown(false);
    }
  });

  it('a wrong key is explained without quoting it, in chat or log', async () => {
    const wrongKey = `sk-wrong-${randomBytes(16).toString('hex')}`;
    const bridge = await bridges.run({ env: { ...voiceEnv(), BRIDGE_TRANSCRIBE_KEY: wrongKey } });
    const mine = since(lastMessageId());
    sendVoice(note('never sent'));
    const failure = await waitForText(mine, /^🎙 Could not transcribe/u);
    expect(failure.text).toContain(
      'the transcription service refused the key (HTTP 401); check BRIDGE_TRANSCRIBE_KEY',
    );
    expect(stt.requests.at(-1)?.status).toBe(401);
    const log = bridge.lines.join('\n');
    for (const text of [log, everythingShown()]) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(wrongKey.slice(-8));
      expect(text).not.toContain('Incorrect API key');
    }
    expect((await chatStateOf(bridge.stateDir))?.sessionId).toBeUndefined();
  });

  it('too long: refused with the reason before anything is downloaded', async () => {
    await bridges.run({ env: { ...voiceEnv(), BRIDGE_VOICE_MAX_S: '60' } });
    const mine = since(lastMessageId());
    const fetches = bench.telegram.calls('getFile').length;
    const posted = stt.requests.length;
    // A stranger's voice note first: it must reach nothing, not even the endpoint.
    bench.telegram.userSendsVoice({
      from: STRANGER,
      chatId: STRANGER.id,
      bytes: note('stranger talk'),
      duration: 3,
    });
    sendVoice(note('a very long ramble'), 61);
    const refusal = await waitForText(mine, /^🎙 This voice note is/u);
    expect(refusal.text).toBe(
      '🎙 This voice note is 1:01 long; the limit is 1:00 (BRIDGE_VOICE_MAX_S). Nothing was sent to the agent. Split it into shorter notes.',
    );
    expect(bench.telegram.calls('getFile')).toHaveLength(fetches);
    expect(stt.requests).toHaveLength(posted);
    expect(bench.telegram.messages(STRANGER.id)).toEqual([]);
  });

  it('not configured: one how-to per chat, and nothing reaches the agent', async () => {
    const bridge = await bridges.run();
    const mine = since(lastMessageId());
    const posted = stt.requests.length;
    sendVoice(note('first'));
    const howTo = await waitForText(mine, /^🎙 Voice notes are off/u);
    expect(howTo.text).toContain('BRIDGE_TRANSCRIBE_URL');
    expect(howTo.text).toContain(
      'A local whisper server on 127.0.0.1 keeps the audio on your computer',
    );
    sendVoice(note('second'));
    // A typed message after the second note: once its answer is in, the note was long handled.
    bench.telegram.userSendsText({ from: OWNER, chatId: OWNER.id, text: 'ping' });
    await waitForText(mine, expectedReply('ping'));
    expect(mine(/^🎙/u)).toHaveLength(1);
    expect(await userTextsOf(bench, await sessionOf(bridge.stateDir))).toEqual(['ping']);
    expect(stt.requests).toHaveLength(posted);
    expect(bridge.lines.join('\n')).toMatch(
      /Voice notes are off: BRIDGE_TRANSCRIBE_URL is not set/,
    );
  });

  it('a voice note that waited while the bridge was down follows the stale-prompt rule', async () => {
    const stateDir = await tempDir('bridge-state-');
    const env = { ...voiceEnv(), BRIDGE_STALE_PROMPT_MS: '2000' };
    const first = await bridges.run({ stateDir, env });
    bridges.forget(first);
    await first.stop();
    const mine = since(lastMessageId());
    const spoken = 'deploy the staging branch';
    sendVoice(note(spoken));
    await new Promise((r) => setTimeout(r, 3500));
    await bridges.run({ stateDir, env });
    await waitForText(mine, `🎙 "${spoken}"`);
    const held = await waitForText(mine, /waited \d+ min while the bridge was offline/);
    expect(bench.model.requests.some((r) => r.userText === spoken)).toBe(false);
    pressOnly(held);
    await waitForText(mine, expectedReply(spoken));
  });
});
