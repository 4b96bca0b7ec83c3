// OpenCode 1.x's `/global/event` payloads → the bridge's normalised events. Pure apart from a
// bounded memory of which parts are reasoning (1.x streams both kinds as `field: "text"` deltas).
import type { BridgeEvent } from '../bridge-events';
import { partEvent } from '../bridge-events';
import { missingField } from '../event-shape';
import type { MessageError, OpencodeEvent } from '../types';
import { sessionIdOf } from '../types';

/** Reasoning parts still streaming; more at once than this means they were never ended. */
const REASONING_PARTS_KEPT = 256;

/** OpenCode #47566: another process held `opencode.db` past its 5 s busy timeout. */
const DATABASE_LOCKED = /database is locked/i;

export const DATABASE_BUSY_MESSAGE =
  'OpenCode’s database was busy (another opencode process is writing it).';

export type Normalised =
  | { kind: 'events'; events: BridgeEvent[] }
  /** The event lacks a field the bridge reads: skipped whole (half-applied, it would throw later). */
  | { kind: 'malformed'; type: string; field: string };

export class EventNormaliser {
  private readonly reasoning = new Set<string>();

  normalise(event: OpencodeEvent): Normalised {
    const field = missingField(event);
    if (field) return { kind: 'malformed', type: event.type, field };
    return { kind: 'events', events: this.convert(event) };
  }

  private convert(event: OpencodeEvent): BridgeEvent[] {
    const sessionId = sessionIdOf(event);
    if (!sessionId) return [];
    switch (event.type) {
      case 'session.status':
        return [{ type: 'status', sessionId, status: event.properties.status }];
      case 'session.idle':
        return [{ type: 'turn-finished', sessionId }];
      case 'session.error':
        return [failed(sessionId, event.properties.error)];
      case 'session.updated': {
        const title = event.properties.info.title;
        return title ? [{ type: 'session-retitled', sessionId, title }] : [];
      }
      case 'session.deleted':
        return [{ type: 'session-deleted', sessionId }];
      case 'message.updated': {
        const info = event.properties.info;
        if (info.role === 'assistant')
          return [{ type: 'assistant-message', sessionId, message: info }];
        return [
          { type: 'user-message', sessionId, messageId: info.id, created: info.time.created },
        ];
      }
      case 'message.part.updated': {
        const part = event.properties.part;
        if (part.type === 'reasoning') this.noteReasoning(part.id, part.time?.end !== undefined);
        const normalised = partEvent(part);
        return normalised ? [{ ...normalised, sessionId }] : [];
      }
      case 'message.part.delta': {
        const { partID, messageID, field, delta } = event.properties;
        if (field !== 'text' || !delta) return [];
        const type = this.reasoning.has(partID) ? 'reasoning-delta' : 'text-delta';
        return [{ type, sessionId, messageId: messageID, partId: partID, delta }];
      }
      case 'permission.asked':
        return [{ type: 'permission-asked', sessionId, request: event.properties }];
      case 'permission.replied':
        return [
          {
            type: 'permission-answered',
            sessionId,
            requestId: event.properties.requestID,
            reply: event.properties.reply,
          },
        ];
      case 'question.asked':
        return [{ type: 'question-asked', sessionId, request: event.properties }];
      case 'question.replied':
      case 'question.rejected':
        return [
          {
            type: 'question-answered',
            sessionId,
            requestId: event.properties.requestID,
            answers:
              event.type === 'question.rejected' ? undefined : (event.properties.answers ?? []),
          },
        ];
      default:
        return [];
    }
  }

  private noteReasoning(partId: string, ended: boolean): void {
    if (ended) {
      this.reasoning.delete(partId);
      return;
    }
    this.reasoning.add(partId);
    if (this.reasoning.size > REASONING_PARTS_KEPT) {
      const [oldest] = this.reasoning;
      if (oldest !== undefined) this.reasoning.delete(oldest);
    }
  }

  /** How many parts the normaliser remembers, for diagnostics. */
  get size(): number {
    return this.reasoning.size;
  }
}

/** A failed turn; the "database is locked" stack trace becomes plain words. */
function failed(sessionId: string, error: MessageError | undefined): BridgeEvent {
  const message = error?.data?.message;
  if (typeof message === 'string' && DATABASE_LOCKED.test(message)) {
    return {
      type: 'turn-failed',
      sessionId,
      error: { name: 'UnknownError', data: { message: DATABASE_BUSY_MESSAGE } },
      cause: 'database-locked',
    };
  }
  return { type: 'turn-failed', sessionId, error };
}
