// Everything one turn of the agent has produced so far, built from OpenCode's events (while
// streaming) or from the session's stored messages (the authoritative final state). Deterministic
// and free of I/O: the rendering and the tests read it directly.
import type {
  AssistantMessage,
  MessageError,
  MessageWithParts,
  OpencodeEvent,
  Part,
  SessionStatus,
} from '../opencode/types';
import type { ToolCall } from './tool-summary';

interface StreamedPart {
  kind: 'text' | 'reasoning';
  messageID: string;
  text: string;
}

/**
 * The last step asked for tools (`finish: tool-calls`), they ran, and no step came after: OpenCode
 * stopped before it could answer (a tool that failed, such as a rejected permission, ends the turn
 * on purpose).
 */
function stoppedBetweenSteps({ info, parts }: MessageWithParts): boolean {
  if (info.role !== 'assistant' || info.finish !== 'tool-calls') return false;
  return !parts.some((p) => p.type === 'tool' && p.state.status === 'error');
}

export class TurnModel {
  /** Part ids in the order they first appeared, so text reads in the order it was written. */
  private readonly order: string[] = [];
  private readonly parts = new Map<string, StreamedPart>();
  private readonly tools = new Map<string, ToolCall>();
  private readonly assistants = new Map<string, AssistantMessage>();
  /** The user's own messages: their text parts stream through the same events and must not echo. */
  private readonly userMessages = new Set<string>();
  status: SessionStatus = { type: 'busy' };
  error: MessageError | undefined;
  aborted = false;
  /** Read back from storage, the last answer never completed: OpenCode died mid-turn. */
  interrupted = false;
  /**
   * The user message this turn answers. Once known, only assistant messages replying to it belong
   * to the turn: a prompt queued meanwhile gets its own turn.
   */
  userMessageId: string | undefined;

  constructor(
    readonly sessionId: string,
    readonly startedAt: number,
  ) {}

  /** Builds the final state from `GET /session/:id/message`, keeping what belongs to this turn. */
  static fromMessages(
    sessionId: string,
    startedAt: number,
    messages: readonly MessageWithParts[],
    userMessageId?: string,
  ): TurnModel {
    const model = new TurnModel(sessionId, startedAt);
    model.userMessageId = userMessageId;
    for (const { info, parts } of messages) {
      if (info.role !== 'assistant') continue;
      if (userMessageId ? info.parentID !== userMessageId : info.time.created < startedAt) continue;
      // (user messages are skipped here, so their parts never reach the answer)
      model.noteAssistant(info);
      for (const part of parts) model.applyPart(part);
    }
    model.status = { type: 'idle' };
    const last = messages.filter((m) => model.assistants.has(m.info.id)).at(-1);
    model.interrupted =
      last !== undefined &&
      last.info.role === 'assistant' &&
      !last.info.error &&
      !model.aborted &&
      (last.info.time.completed === undefined || stoppedBetweenSteps(last));
    return model;
  }

  /** Applies one event; true when it changed something the phone shows. */
  apply(event: OpencodeEvent): boolean {
    switch (event.type) {
      case 'message.updated':
        if (event.properties.info.role === 'assistant')
          return this.noteAssistant(event.properties.info);
        this.userMessages.add(event.properties.info.id);
        // Clocks of bridge and server are the same machine's; allow for a little scheduling slack.
        if (
          this.userMessageId === undefined &&
          event.properties.info.time.created >= this.startedAt - 2000
        ) {
          this.userMessageId = event.properties.info.id;
        }
        return false;
      case 'message.part.updated':
        return this.applyPart(event.properties.part);
      case 'message.part.delta': {
        const { partID, messageID, field, delta } = event.properties;
        if (field !== 'text' || !delta) return false;
        let part = this.parts.get(partID);
        if (!part) {
          part = { kind: 'text', messageID, text: '' };
          this.parts.set(partID, part);
          this.order.push(partID);
        }
        part.text += delta;
        return true;
      }
      case 'session.status': {
        const before = this.status;
        this.status = event.properties.status;
        return before.type !== this.status.type || before.type === 'retry';
      }
      case 'session.idle':
        this.status = { type: 'idle' };
        return true;
      case 'session.error': {
        const error = event.properties.error;
        if (error?.name === 'MessageAbortedError') this.aborted = true;
        else if (error) this.error = error;
        return error !== undefined;
      }
      default:
        return false;
    }
  }

  private noteAssistant(info: AssistantMessage): boolean {
    this.assistants.set(info.id, info);
    if (!info.error) return false;
    if (info.error.name === 'MessageAbortedError') this.aborted = true;
    else this.error = info.error;
    return true;
  }

  private applyPart(part: Part): boolean {
    if (part.type === 'text' || part.type === 'reasoning') {
      if (part.type === 'text' && (part.synthetic || part.ignored)) return false;
      if (!this.parts.has(part.id)) this.order.push(part.id);
      // The final part.updated carries the whole text: it replaces what the deltas built.
      const existing = this.parts.get(part.id);
      if (existing?.text === part.text) return false;
      if (!existing || part.text.length > 0 || part.time?.end !== undefined) {
        this.parts.set(part.id, { kind: part.type, messageID: part.messageID, text: part.text });
        return !this.userMessages.has(part.messageID);
      }
      return false;
    }
    if (part.type === 'tool') {
      const before = this.tools.get(part.callID);
      this.tools.set(part.callID, {
        tool: part.tool,
        status: part.state.status,
        input: part.state.input ?? {},
        title: 'title' in part.state ? part.state.title : undefined,
      });
      return (
        before?.status !== part.state.status ||
        JSON.stringify(before.input) !== JSON.stringify(part.state.input ?? {})
      );
    }
    return false;
  }

  /** The agent's answer so far: its text parts in order, one paragraph apart. */
  get answer(): string {
    return this.texts('text');
  }

  get reasoning(): string {
    return this.texts('reasoning');
  }

  private texts(kind: StreamedPart['kind']): string {
    const out: string[] = [];
    for (const id of this.order) {
      const part = this.parts.get(id);
      if (part?.kind !== kind || this.userMessages.has(part.messageID)) continue;
      if (part.text.trim()) out.push(part.text.trim());
    }
    return out.join('\n\n');
  }

  get toolCalls(): ToolCall[] {
    return [...this.tools.values()];
  }

  /** Tokens and cost summed over the turn's assistant messages. */
  get usage(): { tokens: number; cost: number; modelID: string | undefined } {
    let tokens = 0;
    let cost = 0;
    let modelID: string | undefined;
    for (const m of this.assistants.values()) {
      tokens += m.tokens.input + m.tokens.output + m.tokens.reasoning;
      cost += m.cost;
      modelID = m.modelID;
    }
    return { tokens, cost, modelID };
  }
}
