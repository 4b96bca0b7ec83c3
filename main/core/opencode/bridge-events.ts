// What turns and features hear from OpenCode: one normalised event union, whichever server version
// the adapter talks to. The v1 adapter builds these from `/global/event` (v1/normalise.ts); an
// OpenCode 2 adapter would build them from OpenCode 2's event stream. No raw event name or route appears here.
import type {
  AssistantMessage,
  MessageError,
  Part,
  PermissionRequest,
  QuestionRequest,
  SessionStatus,
} from './types';

/** A text or reasoning part, as far as it has been written (replaces what deltas built). */
export interface TextSnapshot {
  type: 'text';
  sessionId: string;
  messageId: string;
  partId: string;
  kind: 'text' | 'reasoning';
  text: string;
  /** The part is complete. */
  ended: boolean;
}

/** A tool call: started (pending, running) or finished (completed, error). */
export interface ToolUpdate {
  type: 'tool';
  sessionId: string;
  messageId: string;
  callId: string;
  tool: string;
  status: 'pending' | 'running' | 'completed' | 'error';
  input: Record<string, unknown>;
  title: string | undefined;
}

export type BridgeEvent =
  /** Busy, retrying, or idle (the turn itself ends with `turn-finished`). */
  | { type: 'status'; sessionId: string; status: SessionStatus }
  /** The session's turn ended (after an error or an abort too). */
  | { type: 'turn-finished'; sessionId: string }
  /**
   * The turn failed or was stopped (`MessageAbortedError`). `cause` names server troubles the
   * bridge works around: `database-locked` (another process held OpenCode's database; the prompt
   * was not stored, and the error's message is already plain words).
   */
  | {
      type: 'turn-failed';
      sessionId: string;
      error: MessageError | undefined;
      cause?: 'database-locked';
    }
  /** A user message was stored (the prompt reached the session). */
  | { type: 'user-message'; sessionId: string; messageId: string; created: number }
  /** An answer's message, with its tokens, cost and error so far. */
  | { type: 'assistant-message'; sessionId: string; message: AssistantMessage }
  | TextSnapshot
  | {
      type: 'text-delta' | 'reasoning-delta';
      sessionId: string;
      messageId: string;
      partId: string;
      delta: string;
    }
  | ToolUpdate
  | { type: 'permission-asked'; sessionId: string; request: PermissionRequest }
  | { type: 'permission-answered'; sessionId: string; requestId: string; reply: string }
  | { type: 'question-asked'; sessionId: string; request: QuestionRequest }
  /** `answers` undefined: the question was skipped (rejected). */
  | {
      type: 'question-answered';
      sessionId: string;
      requestId: string;
      answers: string[][] | undefined;
    }
  /** The session's title (sent with every update of the session: it may not have changed). */
  | { type: 'session-retitled'; sessionId: string; title: string }
  | { type: 'session-deleted'; sessionId: string };

export type BridgeEventType = BridgeEvent['type'];

/**
 * A stored part as the event that would have streamed it, so stored messages and live events go
 * through one path. Undefined for parts the bridge does not show (hidden text, steps, files…).
 */
export function partEvent(part: Part): TextSnapshot | ToolUpdate | undefined {
  if (part.type === 'text' || part.type === 'reasoning') {
    if (part.type === 'text' && (part.synthetic || part.ignored)) return undefined;
    return {
      type: 'text',
      sessionId: part.sessionID,
      messageId: part.messageID,
      partId: part.id,
      kind: part.type,
      text: part.text,
      ended: part.time?.end !== undefined,
    };
  }
  if (part.type === 'tool') {
    return {
      type: 'tool',
      sessionId: part.sessionID,
      messageId: part.messageID,
      callId: part.callID,
      tool: part.tool,
      status: part.state.status,
      input: part.state.input ?? {},
      title: 'title' in part.state ? part.state.title : undefined,
    };
  }
  return undefined;
}
