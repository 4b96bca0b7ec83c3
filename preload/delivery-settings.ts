// How answers reach the phone, as the window sets it: streaming drafts or edits, rich messages or
// HTML (BRIDGE_STREAMING / BRIDGE_RICH of the headless bridge), and, under Advanced, the Bot API
// server (TELEGRAM_API_ROOT; empty: api.telegram.org). Pure, no electron import.
import { cleartextEndpointProblem } from '../main/core/attach-url';
import type { StreamingMode } from '../main/core/bridge-api';
import type { PublicSettings } from './ipc-contract';

export const DELIVERY_KEYS = ['streaming', 'richMessages', 'telegramApiRoot'] as const;
export type DeliverySettings = Pick<PublicSettings, (typeof DELIVERY_KEYS)[number]>;

export const DEFAULT_DELIVERY: DeliverySettings = {
  streaming: 'draft',
  richMessages: true,
  telegramApiRoot: '',
};

type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export function isStreamingMode(value: unknown): value is StreamingMode {
  return value === 'draft' || value === 'edit';
}

/** Empty: Telegram's own server. Https, or http to this machine (the token is in every URL). */
export function checkTelegramApiRoot(value: unknown): Result<string> {
  if (typeof value !== 'string' || value.length > 2048) {
    return { ok: false, error: 'The Bot API address must be text.' };
  }
  const trimmed = value.trim();
  if (trimmed === '') return { ok: true, value: '' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, error: 'Not a URL. Example: http://127.0.0.1:8081' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: 'The Bot API address must start with http:// or https://.' };
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return { ok: false, error: 'Give the server address only, without a login, query or #.' };
  }
  const problem = cleartextEndpointProblem(url, 'the bot token');
  if (problem) return { ok: false, error: problem };
  return { ok: true, value: trimmed.replace(/\/+$/, '') };
}

export function checkDeliverySettings(
  input: Record<string, unknown>,
):
  | { ok: true; value: DeliverySettings }
  | { ok: false; error: string; field: keyof DeliverySettings } {
  const streaming = input['streaming'];
  if (!isStreamingMode(streaming)) {
    return { ok: false, error: 'Choose drafts or edits for streaming.', field: 'streaming' };
  }
  const rich = input['richMessages'];
  if (typeof rich !== 'boolean') {
    return { ok: false, error: 'Rich messages must be on or off.', field: 'richMessages' };
  }
  const root = checkTelegramApiRoot(input['telegramApiRoot']);
  if (!root.ok) return { ...root, field: 'telegramApiRoot' };
  return { ok: true, value: { streaming, richMessages: rich, telegramApiRoot: root.value } };
}
