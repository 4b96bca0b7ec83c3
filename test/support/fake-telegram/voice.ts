// Voice notes and audio files as Telegram delivers them: a Voice (OGG/Opus recorded in the app) or
// an Audio (a music or audio file sent as such), each with a downloadable file behind getFile.
import type { Audio, Voice } from 'grammy/types';
import { storeFile } from './file-registry';
import type { Store } from './store';

export interface VoiceInput {
  bytes: Uint8Array;
  /** Seconds, as the sender's app reports it. */
  duration: number;
  /** Default audio/ogg, what Telegram's apps record. */
  mimeType?: string;
  caption?: string;
}

export interface AudioInput extends VoiceInput {
  /** Default `audio.mp3`. */
  fileName?: string;
  performer?: string;
  title?: string;
}

function checkDuration(duration: number, action: string): void {
  if (!Number.isInteger(duration) || duration < 0) {
    throw new Error(`${action}: duration must be whole seconds, not ${duration}`);
  }
}

export function voiceOf(store: Store, input: VoiceInput): Voice {
  checkDuration(input.duration, 'userSendsVoice');
  const mimeType = input.mimeType ?? 'audio/ogg';
  const file = storeFile(store, 'voice', Buffer.from(input.bytes), undefined, mimeType);
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    duration: input.duration,
    mime_type: mimeType,
    file_size: file.data.length,
  };
}

export function audioOf(store: Store, input: AudioInput): Audio {
  checkDuration(input.duration, 'userSendsAudio');
  const mimeType = input.mimeType ?? 'audio/mpeg';
  const fileName = input.fileName ?? 'audio.mp3';
  const file = storeFile(store, 'audio', Buffer.from(input.bytes), fileName, mimeType);
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    duration: input.duration,
    ...(input.performer !== undefined ? { performer: input.performer } : {}),
    ...(input.title !== undefined ? { title: input.title } : {}),
    file_name: fileName,
    mime_type: mimeType,
    file_size: file.data.length,
  };
}
