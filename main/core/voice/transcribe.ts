// The speech-to-text client: one `POST <url>/audio/transcriptions` in OpenAI's multipart form, as
// OpenAI and local servers (whisper.cpp's server, faster-whisper-server…) accept it. It never
// throws: every way it can fail comes back as a problem the chat can explain in plain words. The
// key travels only in the Authorization header, and no error detail the endpoint sent about the
// key is kept (OpenAI quotes part of a wrong key back).
import { fetch as undiciFetch, FormData } from 'undici';
import type { TranscriptionSettings } from '../bridge-api';

/** How long one transcription may take: a 5-minute note takes seconds on a laptop's whisper. */
export const TRANSCRIBE_TIMEOUT_MS = 60_000;
const DETAIL_CHARS = 200;

export interface Audio {
  bytes: Uint8Array;
  /** The endpoint tells the format by the extension (OpenAI does): voice.ogg for voice notes. */
  filename: string;
  mime: string;
}

export type TranscriptionProblem =
  /** No answer within the timeout. */
  | 'timeout'
  /** Connection refused, DNS, TLS…: nothing answered. */
  | 'unreachable'
  /** 401/403: the key is wrong or missing. */
  | 'key'
  /** Another 4xx: the endpoint refused this request (format, size, model, rate limit). */
  | 'refused'
  /** 5xx, or an answer that is not a transcript. */
  | 'server'
  /** The endpoint heard no words. */
  | 'empty';

export type TranscriptionResult =
  | { ok: true; text: string }
  | { ok: false; problem: TranscriptionProblem; status?: number; detail?: string };

/** Undici's fetch (not Node's global one) so that its FormData is the one it serializes. */
export type TranscribeFetch = typeof undiciFetch;

export interface TranscribeOptions {
  fetch?: TranscribeFetch;
  timeoutMs?: number;
}

export function transcriptionEndpoint(settings: TranscriptionSettings): string {
  return `${settings.url}/audio/transcriptions`;
}

export async function transcribe(
  settings: TranscriptionSettings,
  audio: Audio,
  options: TranscribeOptions = {},
): Promise<TranscriptionResult> {
  const fetchImpl = options.fetch ?? undiciFetch;
  const form = new FormData();
  form.append('file', new Blob([audio.bytes], { type: audio.mime }), audio.filename);
  form.append('model', settings.model);
  if (settings.language !== undefined) form.append('language', settings.language);
  form.append('response_format', 'json');
  const signal = AbortSignal.timeout(options.timeoutMs ?? TRANSCRIBE_TIMEOUT_MS);
  let status: number;
  let body: string;
  let contentType: string;
  try {
    const response = await fetchImpl(transcriptionEndpoint(settings), {
      method: 'POST',
      headers: settings.key === undefined ? {} : { authorization: `Bearer ${settings.key}` },
      body: form,
      signal,
    });
    status = response.status;
    contentType = response.headers.get('content-type') ?? '';
    body = await response.text();
  } catch (error) {
    if (signal.aborted) return { ok: false, problem: 'timeout' };
    return { ok: false, problem: 'unreachable', detail: networkReason(error) };
  }
  if (status === 401 || status === 403) return { ok: false, problem: 'key', status };
  if (status < 200 || status > 299) {
    const detail = errorMessageOf(body);
    return {
      ok: false,
      problem: status >= 500 ? 'server' : 'refused',
      status,
      ...(detail !== undefined ? { detail } : {}),
    };
  }
  const text = transcriptOf(body, contentType);
  if (text === undefined) {
    return { ok: false, problem: 'server', status, detail: 'the answer held no transcript' };
  }
  if (text === '') return { ok: false, problem: 'empty' };
  return { ok: true, text };
}

/** `{"text": "…"}` (json, verbose_json) or the bare text (response_format text). */
function transcriptOf(body: string, contentType: string): string | undefined {
  if (!contentType.includes('json')) return body.trim();
  try {
    const parsed = JSON.parse(body) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** OpenAI's `{"error":{"message":…}}` or whisper.cpp's `{"error":"…"}`, shortened. */
function errorMessageOf(body: string): string | undefined {
  let message: unknown;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    message =
      typeof parsed.error === 'object' && parsed.error !== null
        ? (parsed.error as { message?: unknown }).message
        : parsed.error;
  } catch {
    return undefined;
  }
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return oneLine.length > DETAIL_CHARS ? `${oneLine.slice(0, DETAIL_CHARS - 1)}…` : oneLine;
}

/** `connection refused`, `ENOTFOUND`…: undici hides the reason in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'no such host';
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
