// What each chat can be sent, learnt from how the Bot API server answers: drafts (private chats,
// Bot API 9.5+) and rich messages (10.1+) until a call proves otherwise. A server without a method
// (an older self-hosted telegram-bot-api answers 404 "method not found") loses it for every chat;
// content refused with a 400 loses it for that chat. Either way the chat falls back to today's
// HTML edit/split path, said once. Pure state plus a thin logging shell.
import type { StreamingMode } from '../bridge-api';

export type Capability = 'draft' | 'rich';

/** How a failed call bears on a capability. */
export type FailureKind =
  /** 404 "method not found": the server predates the method. */
  | 'missing'
  /** 400: the server refused the content or the call in this chat. */
  | 'refused'
  /** Anything else (blocked, network…): says nothing about the capability. */
  | 'other';

export function classifyCapabilityFailure(error: unknown): FailureKind {
  if (typeof error !== 'object' || error === null) return 'other';
  const code = (error as { error_code?: unknown }).error_code;
  const description = describe(error);
  if (code === 404 && /method not found/i.test(description)) return 'missing';
  if (code === 400) return 'refused';
  return 'other';
}

export interface CapabilityState {
  /** Capabilities the server lacks altogether. */
  readonly missing: ReadonlySet<Capability>;
  /** Per chat: capabilities it refused. */
  readonly refused: ReadonlyMap<number, ReadonlySet<Capability>>;
}

export const initialCapabilities: CapabilityState = { missing: new Set(), refused: new Map() };

export interface ForcedPath {
  streaming?: StreamingMode | undefined;
  rich?: boolean | undefined;
}

export function usable(
  state: CapabilityState,
  forced: ForcedPath,
  chatId: number,
  capability: Capability,
): boolean {
  if (capability === 'draft' && (forced.streaming ?? 'draft') !== 'draft') return false;
  if (capability === 'rich' && forced.rich === false) return false;
  // Drafts exist only in private chats (whose ids are the users', positive).
  if (capability === 'draft' && chatId <= 0) return false;
  return !state.missing.has(capability) && !state.refused.get(chatId)?.has(capability);
}

/** The state after a call using `capability` failed; `changed` when the chat falls back now. */
export function afterFailure(
  state: CapabilityState,
  chatId: number,
  capability: Capability,
  kind: FailureKind,
): { state: CapabilityState; changed: boolean } {
  if (kind === 'other') return { state, changed: false };
  if (kind === 'missing') {
    if (state.missing.has(capability)) return { state, changed: false };
    return { state: { ...state, missing: new Set([...state.missing, capability]) }, changed: true };
  }
  const chat = state.refused.get(chatId) ?? new Set<Capability>();
  if (chat.has(capability)) return { state, changed: false };
  const refused = new Map(state.refused);
  refused.set(chatId, new Set([...chat, capability]));
  return { state: { ...state, refused }, changed: true };
}

const NAMES: Record<Capability, string> = { draft: 'streaming drafts', rich: 'rich messages' };

/** The shell: one state for the bridge, and one log line per fallback. */
export class Capabilities {
  private state: CapabilityState = initialCapabilities;

  constructor(
    private readonly forced: ForcedPath,
    private readonly warn: (line: string) => void,
  ) {}

  drafts(chatId: number): boolean {
    return usable(this.state, this.forced, chatId, 'draft');
  }

  rich(chatId: number): boolean {
    return usable(this.state, this.forced, chatId, 'rich');
  }

  /** True when the failure means: use the older path instead (the caller retries that way). */
  failed(chatId: number, capability: Capability, error: unknown): boolean {
    const kind = classifyCapabilityFailure(error);
    const next = afterFailure(this.state, chatId, capability, kind);
    this.state = next.state;
    const reason = describe(error);
    if (next.changed) {
      this.warn(
        kind === 'missing'
          ? `The Bot API server has no ${NAMES[capability]} (${reason}); every chat uses the HTML path instead.`
          : `Telegram refused ${NAMES[capability]} in chat ${chatId} (${reason}); that chat uses the HTML path instead.`,
      );
    }
    return kind !== 'other';
  }
}

function describe(error: unknown): string {
  const description = (error as { description?: unknown } | null)?.description;
  if (typeof description === 'string') return description;
  return error instanceof Error ? error.message : 'unknown error';
}
