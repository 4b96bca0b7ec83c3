// The slice of OpenCode's server API (1.18.33) the bridge reads. Only fields we use are typed;
// everything else passes through untouched.

export interface Session {
  id: string;
  title: string;
  directory: string;
  projectID?: string;
  parentID?: string;
  cost?: number;
  tokens?: {
    input: number;
    output: number;
    reasoning: number;
    cache?: { read: number; write: number };
  };
  agent?: string;
  model?: { id: string; providerID: string };
  time: { created: number; updated: number };
}

export interface Project {
  id: string;
  worktree: string;
  vcs?: string;
  time: { created: number; updated: number };
}

export interface Agent {
  name: string;
  description?: string;
  mode: 'primary' | 'subagent' | 'all';
  hidden?: boolean;
}

export interface ProvidersInfo {
  providers: Array<{
    id: string;
    name: string;
    models: Record<string, { id: string; name: string }>;
  }>;
  default: Record<string, string>;
}

export interface FileDiff {
  file: string;
  patch: string;
  additions: number;
  deletions: number;
  status?: string;
}

export type PermissionReply = 'once' | 'always' | 'reject';

export type SessionStatus =
  | { type: 'idle' }
  | { type: 'busy' }
  | { type: 'retry'; attempt: number; message: string; next: number };

export interface TokenUsage {
  input: number;
  output: number;
  reasoning: number;
  cache: { read: number; write: number };
}

export interface MessageError {
  name: string;
  data?: { message?: string; [key: string]: unknown };
}

export interface UserMessage {
  id: string;
  sessionID: string;
  role: 'user';
  time: { created: number };
  agent?: string;
  model?: { providerID: string; modelID: string };
}

export interface AssistantMessage {
  id: string;
  sessionID: string;
  role: 'assistant';
  parentID: string;
  modelID: string;
  providerID: string;
  agent?: string;
  cost: number;
  tokens: TokenUsage;
  time: { created: number; completed?: number };
  finish?: string;
  error?: MessageError;
}

export type Message = UserMessage | AssistantMessage;

interface PartBase {
  id: string;
  sessionID: string;
  messageID: string;
}

export interface TextPart extends PartBase {
  type: 'text';
  text: string;
  synthetic?: boolean;
  ignored?: boolean;
  time?: { start: number; end?: number };
}

export interface ReasoningPart extends PartBase {
  type: 'reasoning';
  text: string;
  time?: { start: number; end?: number };
}

export type ToolState =
  | { status: 'pending'; input?: Record<string, unknown> }
  | { status: 'running'; input: Record<string, unknown>; title?: string }
  | { status: 'completed'; input: Record<string, unknown>; title?: string; output?: string }
  | { status: 'error'; input: Record<string, unknown>; error?: string };

export interface ToolPart extends PartBase {
  type: 'tool';
  callID: string;
  tool: string;
  state: ToolState;
}

export interface OtherPart extends PartBase {
  type:
    | 'step-start'
    | 'step-finish'
    | 'file'
    | 'patch'
    | 'subtask'
    | 'agent'
    | 'retry'
    | 'compaction'
    | 'snapshot';
}

export type Part = TextPart | ReasoningPart | ToolPart | OtherPart;

export interface MessageWithParts {
  info: Message;
  parts: Part[];
}

/** One event as `GET /global/event` delivers it. */
export interface GlobalEvent {
  directory?: string;
  project?: string;
  payload: OpencodeEvent;
}

export type OpencodeEvent =
  | { type: 'server.connected'; properties: Record<string, never> }
  | { type: 'server.heartbeat'; properties: Record<string, never> }
  | { type: 'session.status'; properties: { sessionID: string; status: SessionStatus } }
  | { type: 'session.idle'; properties: { sessionID: string } }
  | { type: 'session.updated'; properties: { sessionID?: string; info: Session } }
  | { type: 'session.deleted'; properties: { sessionID: string; info?: Session } }
  | { type: 'session.error'; properties: { sessionID?: string; error?: MessageError } }
  | { type: 'message.updated'; properties: { sessionID?: string; info: Message } }
  | { type: 'message.part.updated'; properties: { sessionID?: string; part: Part } }
  | {
      type: 'message.part.delta';
      properties: {
        sessionID: string;
        messageID: string;
        partID: string;
        field: string;
        delta: string;
      };
    }
  | { type: 'permission.asked'; properties: PermissionRequest }
  | {
      type: 'permission.replied';
      properties: { sessionID: string; requestID: string; reply: string };
    }
  | { type: 'question.asked'; properties: QuestionRequest }
  | {
      type: 'question.replied' | 'question.rejected';
      properties: { sessionID: string; requestID: string; answers?: string[][] };
    }
  | { type: 'other'; properties: Record<string, unknown> };

export interface PermissionRequest {
  id: string;
  sessionID: string;
  permission: string;
  patterns: string[];
  metadata?: Record<string, unknown>;
  always?: string[];
  tool?: { messageID: string; callID: string };
}

export interface QuestionRequest {
  id: string;
  sessionID: string;
  questions: Array<{
    question: string;
    header?: string;
    options: Array<{ label: string; description?: string }>;
    multiple?: boolean;
    custom?: boolean;
  }>;
}

/** The session an event concerns, wherever the event keeps it. */
export function sessionIdOf(event: OpencodeEvent): string | undefined {
  // Some events (OpenCode's internal `sync` echoes) carry no `properties` at all.
  const props = (event.properties ?? {}) as Record<string, unknown>;
  if (typeof props['sessionID'] === 'string') return props['sessionID'];
  const info = props['info'] as { sessionID?: unknown; id?: unknown } | undefined;
  if (event.type.startsWith('session.') && typeof info?.id === 'string') return info.id;
  if (typeof info?.sessionID === 'string') return info.sessionID;
  const part = props['part'] as { sessionID?: unknown } | undefined;
  if (typeof part?.sessionID === 'string') return part.sessionID;
  return undefined;
}
