// Voice notes and audio files from the phone: transcribed by the configured OpenAI-compatible
// endpoint, echoed back as a short reply, then handled exactly like typed text (an open question's
// answer, the stale rule, waiting files, the prompt). A failure says why and offers one tap to
// retry, which fetches the audio from Telegram again by its file id: no audio is ever stored.
// Nothing reaches the agent unless a transcript came back; the bridge never guesses.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import { callbackData, type ButtonPress } from '../interaction/buttons';
import { escapeHtml } from '../telegram/format';
import type { Place } from '../telegram/messenger';
import { TRANSCRIBE_TIMEOUT_MS, transcribe, type TranscribeOptions } from '../voice/transcribe';
import { DEFAULT_VOICE_MAX_S } from '../voice/transcribe-settings';
import {
  RETRY_LABEL,
  VOICE_OFF_HOWTO,
  audioFilename,
  failureText,
  refusalFor,
  transcriptEcho,
} from '../voice/voice-text';
import { download } from './files';
import { NO_LONGER_VALID } from './permissions';
import { reply } from './prompt';

/** The bridge's one path for what the user says: typed text, or a voice note's transcript. */
export type UserTextHandler = (
  ctx: Context,
  place: Place,
  text: string,
  messageId: number | undefined,
  sentAtSeconds: number,
) => Promise<void>;

/** What a retry needs, kept in the button's record: Telegram's file id, never the audio. */
interface NoteRef {
  fileId: string;
  filename: string;
  mime: string;
  caption: string | undefined;
}

export function voiceFeature(
  context: BridgeContext,
  handleText: UserTextHandler,
  options: TranscribeOptions = {},
): Feature {
  const log = context.logger('voice');
  /** Chats already told how to turn voice on, this run. */
  const toldHowTo = new Set<number>();
  const settings = context.settings.transcription;
  const maxSeconds = context.settings.voiceMaxSeconds ?? DEFAULT_VOICE_MAX_S;
  const timeoutMs = options.timeoutMs ?? TRANSCRIBE_TIMEOUT_MS;
  log.info(
    settings
      ? `Voice notes are transcribed at ${new URL(settings.url).host} (${settings.model}).`
      : 'Voice notes are off: BRIDGE_TRANSCRIBE_URL is not set.',
  );

  const offerRetry = async (
    place: Place,
    note: NoteRef,
    messageId: number | undefined,
    html: string,
  ): Promise<void> => {
    const token = await context.buttons.register({
      kind: 'voice',
      chatId: place.chatId,
      payload: { ...note, messageId },
    });
    await reply(context, place, html, messageId, {
      inline_keyboard: [[{ text: RETRY_LABEL, callback_data: callbackData(token, 'r') }]],
    });
  };

  /** Download, transcribe, echo, hand on; or say why not and offer a retry. */
  const transcribeAndHandle = async (
    ctx: Context,
    place: Place,
    note: NoteRef,
    messageId: number | undefined,
    sentAtSeconds: number,
  ): Promise<void> => {
    if (!settings) return;
    void context.messenger.typing(place);
    let bytes: Buffer;
    try {
      bytes = await download(context, note.fileId);
    } catch (error) {
      log.warn(`Could not fetch a voice note from Telegram: ${toError(error).message}`);
      await offerRetry(
        place,
        note,
        messageId,
        `🎙 Could not fetch this voice note from Telegram (${escapeHtml(toError(error).message)}). Nothing was sent to the agent.`,
      );
      return;
    }
    const result = await transcribe(
      settings,
      { bytes, filename: note.filename, mime: note.mime },
      options,
    );
    if (!result.ok) {
      log.warn(
        `Transcription failed for chat ${place.chatId} (${result.problem}${result.status !== undefined ? `, HTTP ${result.status}` : ''}); nothing was sent.`,
      );
      await offerRetry(
        place,
        note,
        messageId,
        failureText(result, new URL(settings.url).host, Math.round(timeoutMs / 1000)),
      );
      return;
    }
    log.info(`Transcribed a voice note in chat ${place.chatId} (${result.text.length} chars).`);
    await reply(context, place, transcriptEcho(result.text), messageId);
    const text = note.caption ? `${note.caption}\n\n${result.text}` : result.text;
    await handleText(ctx, place, text, messageId, sentAtSeconds);
  };

  const receive = async (ctx: Context): Promise<void> => {
    const message = ctx.msg;
    const media = message?.voice ?? message?.audio;
    if (!message || !media) return;
    const place = placeOf(ctx);
    if (!settings) {
      if (toldHowTo.has(place.chatId)) {
        log.info(`Ignored a voice note in chat ${place.chatId}: transcription is not configured.`);
        return;
      }
      toldHowTo.add(place.chatId);
      await reply(context, place, escapeHtml(VOICE_OFF_HOWTO), message.message_id);
      return;
    }
    const refusal = refusalFor({ duration: media.duration, fileSize: media.file_size }, maxSeconds);
    if (refusal) {
      await reply(context, place, escapeHtml(refusal), message.message_id);
      return;
    }
    const mime = media.mime_type ?? (message.voice ? 'audio/ogg' : 'audio/mpeg');
    const fileName = message.audio?.file_name;
    const note: NoteRef = {
      fileId: media.file_id,
      filename: audioFilename(message.voice ? 'voice' : 'audio', mime, fileName),
      mime,
      caption: message.caption?.trim() || undefined,
    };
    await transcribeAndHandle(ctx, place, note, message.message_id, message.date);
  };

  return {
    buttonKinds: ['voice'],

    install(bot) {
      bot.on(['message:voice', 'message:audio'], receive);
    },

    async onButton(ctx: Context, press: ButtonPress) {
      const p = press.record.payload;
      if (
        press.arg !== 'r' ||
        !settings ||
        typeof p['fileId'] !== 'string' ||
        typeof p['filename'] !== 'string' ||
        typeof p['mime'] !== 'string'
      ) {
        await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
        return;
      }
      await context.buttons.revoke(press.token);
      await ctx.answerCallbackQuery({ text: 'Trying again' });
      const place = placeOf(ctx);
      const failedId = ctx.callbackQuery?.message?.message_id;
      if (failedId !== undefined) {
        await context.messenger
          .edit(place, failedId, `voice:${place.chatId}:${failedId}`, () => '🎙 Trying again…', {
            priority: 'interactive',
          })
          .catch(() => undefined);
      }
      const note: NoteRef = {
        fileId: p['fileId'],
        filename: p['filename'],
        mime: p['mime'],
        caption: typeof p['caption'] === 'string' ? p['caption'] : undefined,
      };
      const messageId = typeof p['messageId'] === 'number' ? p['messageId'] : undefined;
      // The tap is the user saying "now": the stale rule measures from it, not from the recording.
      await transcribeAndHandle(ctx, place, note, messageId, Math.floor(context.now() / 1000));
    },
  };
}
