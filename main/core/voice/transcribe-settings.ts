// Which transcription endpoint, model and language are acceptable. Pure; the headless config and
// the window's settings check share these rules, so both refuse the same things with the same words.
import { cleartextEndpointProblem } from '../attach-url';

export const DEFAULT_TRANSCRIBE_MODEL = 'whisper-1';
/** Voice notes longer than this are refused before they are downloaded (BRIDGE_VOICE_MAX_S). */
export const DEFAULT_VOICE_MAX_S = 300;
export const VOICE_MAX_S_LIMIT = 4 * 60 * 60;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The endpoint's base URL (requests go to `<url>/audio/transcriptions`): http(s), no credentials or
 * query (the key is a header, never part of a URL), and https unless on this machine, since the
 * audio and the key would otherwise travel in clear. Trailing slashes are dropped.
 */
export function checkTranscribeUrl(raw: string): Checked<string> {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8080/v1.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8080/v1.' };
  }
  if (url.username || url.password || url.search || url.hash) {
    return {
      ok: false,
      error: 'must not carry credentials or a query: the key goes in its own setting.',
    };
  }
  const problem = cleartextEndpointProblem(url, 'your voice notes and the key');
  if (problem) return { ok: false, error: `is refused: ${problem}` };
  return { ok: true, value: value.replace(/\/+$/, '') };
}

/** Model names such as whisper-1, gpt-4o-transcribe or Systran/faster-whisper-small. */
export function checkTranscribeModel(raw: string): Checked<string> {
  const value = raw.trim();
  if (!/^[\w.:/-]{1,200}$/.test(value)) {
    return { ok: false, error: 'must be a model name such as whisper-1 (no spaces).' };
  }
  return { ok: true, value };
}

/** An ISO 639-1 code such as en or de (whisper.cpp also takes auto). */
export function checkTranscribeLanguage(raw: string): Checked<string> {
  const value = raw.trim().toLowerCase();
  if (!/^([a-z]{2,3}|auto)$/.test(value)) {
    return { ok: false, error: 'must be a language code such as en or de.' };
  }
  return { ok: true, value };
}

export function checkVoiceMaxSeconds(raw: string): Checked<number> {
  const seconds = Number(raw.trim());
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > VOICE_MAX_S_LIMIT) {
    return {
      ok: false,
      error: `must be a whole number of seconds from 1 to ${VOICE_MAX_S_LIMIT}.`,
    };
  }
  return { ok: true, value: seconds };
}
