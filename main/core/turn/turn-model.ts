// Everything one turn of the agent has produced so far, built from OpenCode's events (while
// streaming) or from the session's stored messages (the authoritative final state). Deterministic
// and free of I/O: the rendering and the tests read it directly.
import type { BridgeEvent } from '../opencode/adapter';
import type { TextSnapshot, ToolUpdate } from '../opencode/bridge-events';
import { partEvent } from '../opencode/bridge-events';
import type {
  AssistantMessage,
  MessageError,
  MessageWithParts,
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

  /** Builds the final state from the session's stored messages, keeping what belongs to this turn. */
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
      for (const part of parts) {
        const event = partEvent(part);
        if (event?.type === 'text') model.applyText(event);
        else if (event) model.applyTool(event);
      }
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
  apply(event: BridgeEvent): boolean {
    switch (event.type) {
      case 'assistant-message':
        return this.noteAssistant(event.message);
      case 'user-message':
        this.userMessages.add(event.messageId);
        // Clocks of bridge and server are the same machine's; allow for a little scheduling slack.
        if (this.userMessageId === undefined && event.created >= this.startedAt - 2000) {
          this.userMessageId = event.messageId;
        }
        return false;
      case 'text':
        return this.applyText(event);
      case 'tool':
        return this.applyTool(event);
      case 'text-delta':
      case 'reasoning-delta': {
        const { partId, messageId, delta } = event;
        let part = this.parts.get(partId);
        if (!part) {
          part = {
            kind: event.type === 'reasoning-delta' ? 'reasoning' : 'text',
            messageID: messageId,
            text: '',
          };
          this.parts.set(partId, part);
          this.order.push(partId);
        }
        part.text += delta;
        return true;
      }
      case 'status': {
        const before = this.status;
        this.status = event.status;
        return before.type !== this.status.type || before.type === 'retry';
      }
      case 'turn-finished':
        this.status = { type: 'idle' };
        return true;
      case 'turn-failed': {
        const error = event.error;
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

  private applyText(part: TextSnapshot): boolean {
    if (!this.parts.has(part.partId)) this.order.push(part.partId);
    // The final snapshot carries the whole text: it replaces what the deltas built.
    const existing = this.parts.get(part.partId);
    if (existing?.text === part.text) return false;
    if (!existing || part.text.length > 0 || part.ended) {
      this.parts.set(part.partId, { kind: part.kind, messageID: part.messageId, text: part.text });
      return !this.userMessages.has(part.messageId);
    }
    return false;
  }

  private applyTool(tool: ToolUpdate): boolean {
    const before = this.tools.get(tool.callId);
    this.tools.set(tool.callId, {
      tool: tool.tool,
      status: tool.status,
      input: tool.input,
      title: tool.title,
    });
    return (
      before?.status !== tool.status || JSON.stringify(before.input) !== JSON.stringify(tool.input)
    );
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
