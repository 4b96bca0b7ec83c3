// Inline buttons carry a short random token in callback_data (Telegram allows 64 bytes); what the
// button means stays here, in the bridge's state. A token that is unknown, expired, already used
// or forged maps to nothing, so pressing it does nothing.
import { randomBytes } from 'node:crypto';
import type { ButtonRecord, StateStore } from '../state-store';

/** 9 random bytes: 72 bits, 12 characters of base64url. */
const TOKEN_BYTES = 9;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{12}$/;
/** Buttons older than this are forgotten (prompts that nobody answered for a week). */
export const BUTTON_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface ButtonPress {
  token: string;
  /** A short suffix chosen by the feature: "o" for Once, an option index… */
  arg: string;
  record: ButtonRecord;
}

export class ButtonRegistry {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  /** Registers what a set of buttons stands for; returns the token they all carry. */
  async register(record: Omit<ButtonRecord, 'createdAt'>): Promise<string> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const now = this.now();
    await this.store.update((state) => {
      for (const [key, old] of Object.entries(state.buttons)) {
        if (now - old.createdAt > BUTTON_TTL_MS) delete state.buttons[key];
      }
      state.buttons[token] = { ...record, createdAt: now };
    });
    return token;
  }

  /** Resolves callback_data `token:arg` to its record, if it is still valid for this chat. */
  resolve(data: string, chatId: number | undefined): ButtonPress | undefined {
    const separator = data.indexOf(':');
    const token = separator < 0 ? data : data.slice(0, separator);
    const arg = separator < 0 ? '' : data.slice(separator + 1);
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const record = this.store.current.buttons[token];
    if (!record) return undefined;
    if (record.chatId !== chatId && (chatId === undefined || !record.chatIds?.includes(chatId)))
      return undefined;
    if (this.now() - record.createdAt > BUTTON_TTL_MS) return undefined;
    return { token, arg, record };
  }

  /** Makes a token's buttons inert (used once, or superseded). */
  async revoke(token: string): Promise<void> {
    if (!this.store.current.buttons[token]) return;
    await this.store.update((state) => void delete state.buttons[token]);
  }
}

export function callbackData(token: string, arg: string): string {
  const data = `${token}:${arg}`;
  if (Buffer.byteLength(data) > 64) throw new Error(`callback_data over 64 bytes: ${data.length}`);
  return data;
}
