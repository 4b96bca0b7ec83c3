// How much of what happens at the desk reaches the phone. BRIDGE_NOTIFY sets the default, /notify
// changes it for one chat. Pure.

/** BRIDGE_NOTIFY: prompts and finished turns, prompts only, or only sessions a chat follows. */
export type NotifyDefault = 'all' | 'prompts' | 'followed';
/** /notify in one chat. */
export type ChatNotify = 'all' | 'prompts' | 'off';
/** What a desk session sends: a permission or question, or a notice that its turn ended. */
export type DeskNews = 'prompt' | 'turn';

export const NOTIFY_DEFAULTS: readonly NotifyDefault[] = ['all', 'prompts', 'followed'];
export const CHAT_NOTIFY: readonly ChatNotify[] = ['all', 'prompts', 'off'];
export const DEFAULT_NOTIFY: NotifyDefault = 'all';
export const DEFAULT_NOTIFY_MIN_TURN_S = 30;

/** A chat's own choice wins; without one, the bridge's default. */
export function chatNotify(own: ChatNotify | undefined, fallback: NotifyDefault): ChatNotify {
  return own ?? (fallback === 'followed' ? 'off' : fallback);
}

export function wants(mode: ChatNotify, news: DeskNews): boolean {
  return mode === 'all' || (mode === 'prompts' && news === 'prompt');
}

export function describeNotify(mode: ChatNotify): string {
  switch (mode) {
    case 'all':
      return 'Sessions started at the desk reach this chat when they ask something or finish a long turn.';
    case 'prompts':
      return 'Sessions started at the desk reach this chat only when they ask something.';
    case 'off':
      return 'Only sessions this chat follows reach it.';
  }
}
