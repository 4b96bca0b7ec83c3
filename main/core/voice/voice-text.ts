// What a voice note's sender reads: the limits checked before anything is downloaded, the
// transcript echo, the how-to when voice is off, and each failure in plain words. Pure (HTML out).
import { escapeHtml } from '../telegram/format';
import type { TranscriptionResult } from './transcribe';

/** Telegram lets bots download files up to 20 MB (getFile). */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;
/** The echo stays short; the agent gets the whole transcript. */
const ECHO_CHARS = 700;

export interface VoiceNote {
  /** Seconds, as Telegram reports it. */
  duration: number;
  fileSize: number | undefined;
}

/** Why the note is refused before download, or undefined when it may be transcribed. */
export function refusalFor(note: VoiceNote, maxSeconds: number): string | undefined {
  if (note.duration > maxSeconds) {
    return (
      `🎙 This voice note is ${clock(note.duration)} long; the limit is ${clock(maxSeconds)} ` +
      '(BRIDGE_VOICE_MAX_S). Nothing was sent to the agent. Split it into shorter notes.'
    );
  }
  if (note.fileSize !== undefined && note.fileSize > TELEGRAM_DOWNLOAD_LIMIT_BYTES) {
    return (
      `🎙 This recording is ${megabytes(note.fileSize)}; Telegram lets bots download at most ` +
      `${megabytes(TELEGRAM_DOWNLOAD_LIMIT_BYTES)}. Nothing was sent to the agent.`
    );
  }
  return undefined;
}

export function transcriptEcho(text: string): string {
  const shown = text.length > ECHO_CHARS ? `${text.slice(0, ECHO_CHARS - 1)}…` : text;
  return `🎙 "${escapeHtml(shown)}"`;
}

export const VOICE_OFF_HOWTO = [
  '🎙 Voice notes are off: the bridge has no transcription service. Nothing was sent to the agent.',
  '',
  'To turn them on, set BRIDGE_TRANSCRIBE_URL (in the app: Settings → Voice messages) to an ' +
    'OpenAI-compatible endpoint. A local whisper server on 127.0.0.1 keeps the audio on your ' +
    'computer; with OpenAI (https://api.openai.com/v1) also set the key.',
  '',
  'This note is shown once per chat until the bridge restarts.',
].join('\n');

export const RETRY_LABEL = '🔁 Try again';

/** The failure in plain words; nothing was sent, and the button retries. */
export function failureText(
  result: Extract<TranscriptionResult, { ok: false }>,
  endpointHost: string,
  timeoutSeconds: number,
): string {
  const why = reason(result, endpointHost, timeoutSeconds);
  return `🎙 Could not transcribe this voice note: ${escapeHtml(why)}. Nothing was sent to the agent.`;
}

function reason(
  result: Extract<TranscriptionResult, { ok: false }>,
  host: string,
  timeoutSeconds: number,
): string {
  const detail = result.detail !== undefined ? `: ${result.detail}` : '';
  switch (result.problem) {
    case 'timeout':
      return `the transcription service at ${host} did not answer within ${timeoutSeconds} s`;
    case 'unreachable':
      return `the transcription service at ${host} could not be reached (${result.detail ?? 'no answer'})`;
    case 'key':
      return `the transcription service refused the key (HTTP ${result.status ?? 401}); check BRIDGE_TRANSCRIBE_KEY`;
    case 'refused':
      return `the transcription service refused it (HTTP ${result.status ?? 400}${detail})`;
    case 'server':
      return `the transcription service failed (${result.status !== undefined ? `HTTP ${result.status}` : 'bad answer'}${detail})`;
    case 'empty':
      return 'no words were recognised in it';
  }
}

/** The name a transcription endpoint expects for the audio: it tells the format by the extension. */
export function audioFilename(kind: 'voice' | 'audio', mime: string, fileName?: string): string {
  if (kind === 'voice') return 'voice.ogg';
  if (fileName && /\.[A-Za-z0-9]{2,5}$/.test(fileName)) return fileName;
  return `audio.${EXTENSIONS[mime.toLowerCase()] ?? 'mp3'}`;
}

const EXTENSIONS: Record<string, string> = {
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a',
  'audio/aac': 'm4a',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/webm': 'webm',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
};

/** 75 → "1:15". */
function clock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Rounded up, so a file just over the limit never reads as "20.0 MB; at most 20.0 MB". */
function megabytes(bytes: number): string {
  return `${(Math.ceil((bytes / 1024 / 1024) * 10) / 10).toFixed(1)} MB`;
}
