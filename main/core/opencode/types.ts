// The slice of OpenCode's 1.x server API the bridge reads, taken from `@opencode-ai/sdk` 1.18.33
// (generated from the same server's OpenAPI document). Type imports only: nothing of the SDK is
// bundled or run, and the event-stream loop stays our own (event-stream.ts).
//
// The SDK's `v2/types` export is the one that matches the 1.18 server (`permission.asked`,
// `question.*`, `message.part.delta`); its root export describes an older server, and neither is
// OpenCode 2's `/api/*`. Each shape is picked down to the fields the bridge reads, so a field the
// SDK renames or drops breaks the build, while tests and fixtures need not spell out the rest.
// Fields the bridge can do without are optional here even where the SDK requires them (and
// 1.18.33 sends them): a malformed event is checked field by field (event-shape.ts) instead.
// Where the SDK is wrong for the 1.18.33 binary (compared with test/fixtures/opencode-events and
// opencode-rest), the comment at that type says so.
import type * as Sdk from '@opencode-ai/sdk/v2/types';

/** Keeps `K` as the SDK types them; every other field of `T` is dropped. */
type Slice<T, K extends keyof T> = Pick<T, K>;
/** Keeps `K` (optional where the bridge copes without them). */
type Loose<T, K extends keyof T> = Partial<Pick<T, K>>;

export type Session = Slice<Sdk.Session, 'id' | 'title' | 'directory' | 'time'> &
  Loose<Sdk.Session, 'projectID' | 'parentID' | 'cost' | 'tokens' | 'agent'> & {
    // The SDK's model also has `variant`; the bridge only reads which model.
    model?: Pick<NonNullable<Sdk.Session['model']>, 'id' | 'providerID'>;
  };

export type Project = Slice<Sdk.Project, 'id' | 'worktree' | 'time'> & {
  vcs?: Sdk.Project['vcs'];
};

export type Agent = Slice<Sdk.Agent, 'name' | 'mode'> & Loose<Sdk.Agent, 'description' | 'hidden'>;

/** `GET /config/providers`, each model down to its id and name. */
export interface ProvidersInfo {
  providers: Array<
    Pick<Sdk.Provider, 'id' | 'name'> & {
      models: Record<string, Pick<Sdk.Model, 'id' | 'name'>>;
    }
  >;
  default: Sdk.ConfigProvidersResponse['default'];
}

/**
 * One file of `GET /session/:id/diff` (the SDK's `SnapshotFileDiff`; its `FileDiff`, with `path`,
 * belongs to other routes). The SDK has `file` and `patch` optional; 1.18.33 always sends both for
 * a changed file (test/fixtures/opencode-rest/session-diff-message.json): required here.
 */
export type FileDiff = Required<Pick<Sdk.SnapshotFileDiff, 'file' | 'patch'>> &
  Pick<Sdk.SnapshotFileDiff, 'additions' | 'deletions' | 'status'>;

export type PermissionReply = Sdk.EventPermissionReplied['properties']['reply'];

/** Busy, retrying, or idle; the SDK's retry `action` is not read. */
export type SessionStatus =
  | { type: 'idle' }
  | { type: 'busy' }
  | Pick<Extract<Sdk.SessionStatus, { type: 'retry' }>, 'type' | 'attempt' | 'message' | 'next'>;

export type TokenUsage = Omit<Sdk.AssistantMessage['tokens'], 'total'>;

/**
 * Any of the SDK's named errors, by name and message, kept open (`name` any string) so a newer
 * server's error still renders. ("database is locked" comes as an `UnknownError` whose message is
 * a whole stack trace: v1/normalise.ts turns it into plain words.)
 */
export interface MessageError {
  name: NonNullable<Sdk.AssistantMessage['error']>['name'] | (string & {});
  data?: { message?: string; [key: string]: unknown };
}

export type UserMessage = Slice<Sdk.UserMessage, 'id' | 'sessionID' | 'role' | 'time'> &
  Loose<Sdk.UserMessage, 'agent' | 'model'>;

export type AssistantMessage = Slice<
  Sdk.AssistantMessage,
  'id' | 'sessionID' | 'role' | 'parentID' | 'modelID' | 'providerID' | 'cost' | 'time'
> &
  Loose<Sdk.AssistantMessage, 'agent' | 'finish'> & {
    tokens: TokenUsage;
    error?: MessageError;
  };

export type Message = UserMessage | AssistantMessage;

type PartBase = 'id' | 'sessionID' | 'messageID';

export type TextPart = Slice<Sdk.TextPart, PartBase | 'type' | 'text'> &
  Loose<Sdk.TextPart, 'synthetic' | 'ignored' | 'time'>;

export type ReasoningPart = Slice<Sdk.ReasoningPart, PartBase | 'type' | 'text'> &
  Loose<Sdk.ReasoningPart, 'time'>;

/** Narrowed to what the tool summary reads (`input`, `title`); the SDK's extra fields dropped. */
export type ToolState =
  | { status: 'pending'; input?: Record<string, unknown> }
  | { status: 'running'; input: Record<string, unknown>; title?: string }
  | { status: 'completed'; input: Record<string, unknown>; title?: string; output?: string }
  | { status: 'error'; input: Record<string, unknown>; error?: string };

export type ToolPart = Slice<Sdk.ToolPart, PartBase | 'type' | 'callID' | 'tool'> & {
  state: ToolState;
};

/** The other part types, which the bridge only skips. */
export interface OtherPart extends Pick<Sdk.Part, PartBase> {
  type: Exclude<Sdk.Part['type'], 'text' | 'reasoning' | 'tool'>;
}

export type Part = TextPart | ReasoningPart | ToolPart | OtherPart;

export interface MessageWithParts {
  info: Message;
  parts: Part[];
}

export type PermissionRequest = Slice<
  Sdk.PermissionRequest,
  'id' | 'sessionID' | 'permission' | 'patterns'
> &
  Loose<Sdk.PermissionRequest, 'metadata' | 'always' | 'tool'>;

export interface QuestionRequest extends Pick<Sdk.QuestionRequest, 'id' | 'sessionID'> {
  questions: Array<
    Pick<Sdk.QuestionInfo, 'question' | 'multiple' | 'custom'> & {
      header?: string;
      options: Array<Pick<Sdk.QuestionOption, 'label'> & { description?: string }>;
    }
  >;
}

/**
 * One event as `GET /global/event` delivers it. SDK wrong for the binary: its `GlobalEvent`
 * requires `directory`, but `server.connected` and `server.heartbeat` come without one.
 */
export interface GlobalEvent {
  directory?: string;
  project?: string;
  payload: OpencodeEvent;
}

/** A raw 1.x event's properties, as the SDK types them, with our narrowed shapes inside. */
type Props<T extends Sdk.Event['type']> = Extract<Sdk.Event, { type: T }>['properties'];

/**
 * The raw 1.x events the v1 adapter reads (main/core/opencode/v1/normalise.ts turns them into
 * `BridgeEvent`s). SDK wrong for the binary: `server.heartbeat` is missing from its `Event` union
 * (typed here by hand), and 1.18.33 also sends `sync` echoes without `properties` (sessionIdOf
 * copes; everything not listed here is `other`).
 */
export type OpencodeEvent =
  | { type: 'server.connected'; properties: Record<string, never> }
  | { type: 'server.heartbeat'; properties: Record<string, never> }
  | { type: 'session.status'; properties: { sessionID: string; status: SessionStatus } }
  | { type: 'session.idle'; properties: Props<'session.idle'> }
  | { type: 'session.updated'; properties: { sessionID?: string; info: Session } }
  | { type: 'session.deleted'; properties: { sessionID: string; info?: Session } }
  | { type: 'session.error'; properties: { sessionID?: string; error?: MessageError } }
  | { type: 'message.updated'; properties: { sessionID?: string; info: Message } }
  | { type: 'message.part.updated'; properties: { sessionID?: string; part: Part } }
  | { type: 'message.part.delta'; properties: Props<'message.part.delta'> }
  | { type: 'permission.asked'; properties: PermissionRequest }
  | {
      type: 'permission.replied';
      // `reply` is read as a string: an unknown reply is shown as it came.
      properties: Omit<Props<'permission.replied'>, 'reply'> & { reply: string };
    }
  | { type: 'question.asked'; properties: QuestionRequest }
  | {
      type: 'question.replied' | 'question.rejected';
      properties: Props<'question.rejected'> & { answers?: string[][] };
    }
  | { type: 'other'; properties: Record<string, unknown> };

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
