// The bridge's memory across restarts: which chat talks to which session, and where Telegram
// polling stopped. Written atomically (temp file, fsync, rename) so a crash mid-write leaves the
// last good state; writes are serialized and coalesced so the newest state always lands last.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface ModelChoice {
  providerID: string;
  modelID: string;
}

/** One conversation place (a private chat, or a forum topic) and what it works on. */
export interface ChatState {
  chatId: number;
  threadId?: number | undefined;
  /** The project folder new sessions are created in. */
  directory: string;
  /** The session messages go to; undefined until the first message or /new. */
  sessionId?: string | undefined;
  model?: ModelChoice | undefined;
  agent?: string | undefined;
  showReasoning?: boolean | undefined;
  /** Forum topics only: the topic's name as last set, to follow OpenCode's retitling. */
  topicName?: string | undefined;
}

/** What an inline button stands for. callback_data carries only `token`, never the request. */
export interface ButtonRecord {
  kind: string;
  chatId: number;
  /** Kind-specific data: a permission request id, a session id, a folder… */
  payload: Record<string, unknown>;
  createdAt: number;
}

/** A permission or question prompt shown in a chat, so it can be updated when answered anywhere. */
export interface PromptRecord {
  kind: 'permission' | 'question';
  requestId: string;
  sessionId: string;
  chatId: number;
  threadId?: number | undefined;
  messageId: number;
  token: string;
  /** The prompt's text, kept to show the decision under it later. */
  html: string;
  /** Questions only: the answers chosen so far, one array per question. */
  answers?: string[][] | undefined;
  /** Questions only: the question currently shown. */
  current?: number | undefined;
}

/** A turn whose reply message is on the phone, so a restarted bridge can finish it. */
export interface InFlightTurn {
  sessionId: string;
  chatId: number;
  threadId?: number | undefined;
  messageId: number;
  startedAt: number;
  replyTo?: number | undefined;
}

/** A file from the phone waiting for the next text message; its bytes stay with Telegram. */
export interface StashedFile {
  fileId: string;
  filename: string;
  /** The type it goes to the agent as (text files Telegram mislabels become text/plain). */
  mime: string;
}

export interface PersistedState {
  version: 1;
  /** The next getUpdates offset: every update below it was handled. */
  telegramOffset?: number | undefined;
  /** Keyed by `chatKey(chatId, threadId)`. */
  chats: Record<string, ChatState>;
  buttons: Record<string, ButtonRecord>;
  /** Open permission and question prompts, by OpenCode request id. */
  prompts: Record<string, PromptRecord>;
  /** Turns in progress, by session id. */
  turns: Record<string, InFlightTurn>;
  /** The last update ids handled, so a redelivered update is not run twice. */
  handledUpdates: number[];
  /** Files sent without a caption, by `chatKey`: they go with that place's next message. */
  stashedFiles: Record<string, StashedFile[]>;
}

export const emptyState = (): PersistedState => ({
  version: 1,
  chats: {},
  buttons: {},
  prompts: {},
  turns: {},
  handledUpdates: [],
  stashedFiles: {},
});

export function chatKey(chatId: number, threadId?: number): string {
  return threadId === undefined ? String(chatId) : `${chatId}:${threadId}`;
}

export class StateStore {
  private state: PersistedState = emptyState();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(private readonly file: string) {}

  static inDir(dir: string): StateStore {
    return new StateStore(path.join(dir, 'state.json'));
  }

  get path(): string {
    return this.file;
  }

  async load(): Promise<PersistedState> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<PersistedState>;
      this.state = { ...emptyState(), ...parsed, version: 1 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `Cannot read the bridge state at ${this.file}: ${(error as Error).message}. ` +
            `Fix or remove the file.`,
        );
      }
      this.state = emptyState();
    }
    return this.state;
  }

  get current(): Readonly<PersistedState> {
    return this.state;
  }

  /** Applies a change and persists it; resolves when this change is on disk. */
  update(change: (draft: PersistedState) => void): Promise<void> {
    change(this.state);
    this.dirty = true;
    this.writing = this.writing.then(() => this.flush());
    return this.writing;
  }

  /** Resolves when every change so far is on disk. */
  async settled(): Promise<void> {
    await this.writing;
  }

  private async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const json = JSON.stringify(this.state, null, 2);
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(json);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, this.file);
  }
}
