// The bridge's memory across restarts: which chat talks to which session, and where Telegram
// polling stopped. Written atomically (a temp file of its own, fsync, rename) so a crash mid-write
// leaves the last good state; writes are serialized and coalesced so the newest state always lands
// last. The folder and files are private to the user: they hold prompts, paths and session ids.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from './log';
import { ProblemReporter } from './log';
import { describeFsError, makePrivateDir, moveAside, writeAtomically } from './state-file';
import { parseState, StateShapeError } from './state-shape';
import type { ChatNotify } from './away/notify-mode';

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
  /** /notify: how much of the desk's sessions this chat hears about (kept on the chat, not a topic). */
  notify?: ChatNotify | undefined;
}

/** What an inline button stands for. callback_data carries only `token`, never the request. */
export interface ButtonRecord {
  kind: string;
  chatId: number;
  /** Kind-specific data: a permission request id, a session id, a folder… */
  payload: Record<string, unknown>;
  createdAt: number;
  /** A prompt shown in several chats: every one of them may press its buttons. */
  chatIds?: number[] | undefined;
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
  /** A desk session's prompt: the line naming the session, shown above `html` in every copy. */
  header?: string | undefined;
  /** The same prompt in other chats (a desk session's prompt goes to every user's chat). */
  copies?: PromptCopy[] | undefined;
}

/** Another message showing the same prompt, with the same buttons. */
export interface PromptCopy {
  chatId: number;
  threadId?: number | undefined;
  messageId: number;
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
  /** Private chats (= user ids) that wrote to the bot: a bot can only write to users who did. */
  privateChats: number[];
}

export const emptyState = (): PersistedState => ({
  version: 1,
  chats: {},
  buttons: {},
  prompts: {},
  turns: {},
  handledUpdates: [],
  stashedFiles: {},
  privateChats: [],
});

export function chatKey(chatId: number, threadId?: number): string {
  return threadId === undefined ? String(chatId) : `${chatId}:${threadId}`;
}

export interface StateStoreOptions {
  /** Where the store says that the state was damaged, or could not be saved. */
  log?: Logger | undefined;
  now?: () => number;
}

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

/**
 * Failures to save never reach callers: `update()` and `settled()` always resolve. A failed write
 * is logged once (until a write succeeds again) and the next change writes the whole state, so
 * nothing is lost while the disk recovers. Callers thus never need a `catch`, and a full disk for
 * a moment cannot stop polling or end the process.
 */
export class StateStore {
  private state: PersistedState = emptyState();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly writeProblem: ProblemReporter;
  private startNotice: string | undefined;

  constructor(
    private readonly file: string,
    options: StateStoreOptions = {},
  ) {
    this.log = options.log ?? silent;
    this.now = options.now ?? Date.now;
    this.writeProblem = new ProblemReporter(this.log);
  }

  static inDir(dir: string, options: StateStoreOptions = {}): StateStore {
    return new StateStore(path.join(dir, 'state.json'), options);
  }

  get path(): string {
    return this.file;
  }

  /** Set when load() found a damaged file and started fresh: what the user should be told. */
  get notice(): string | undefined {
    return this.startNotice;
  }

  /**
   * Reads the state. A damaged file (not JSON, or JSON of the wrong shape) is moved aside and the
   * bridge starts fresh, saying so in `notice` and the log; only an unreadable file is an error.
   */
  async load(): Promise<PersistedState> {
    this.startNotice = undefined;
    await makePrivateDir(path.dirname(this.file), this.log);
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `Cannot read the bridge state at ${this.file}: ${describeFsError(error)}. ` +
            `Fix or remove the file.`,
        );
      }
      this.state = emptyState();
      return this.state;
    }
    try {
      this.state = parseState(JSON.parse(text));
    } catch (error) {
      // Never the parser's message for bad JSON: V8 quotes the file, which may hold a command.
      const reason = error instanceof StateShapeError ? error.message : 'not valid JSON';
      await this.startFresh(reason);
      this.state = emptyState();
    }
    return this.state;
  }

  get current(): Readonly<PersistedState> {
    return this.state;
  }

  /**
   * Applies a change and persists it. Resolves once a write holding this change was attempted;
   * never rejects (see the class comment).
   */
  update(change: (draft: PersistedState) => void): Promise<void> {
    change(this.state);
    this.dirty = true;
    return this.scheduleWrite();
  }

  /**
   * Resolves when every change so far is on disk or its write failed; after a failed write it
   * tries once more (a stopping bridge gets a last chance to save). Never rejects.
   */
  async settled(): Promise<void> {
    await this.writing;
    if (this.dirty) await this.scheduleWrite();
  }

  private scheduleWrite(): Promise<void> {
    this.writing = this.writing.then(() => this.flush());
    return this.writing;
  }

  /** Never rejects: the chain of writes must stay usable after a failure. */
  private async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await writeAtomically(this.file, JSON.stringify(this.state, null, 2));
      this.writeProblem.resolved('State saved again.');
    } catch (error) {
      this.dirty = true;
      this.writeProblem.problem(
        'write',
        `Could not save the bridge's state to ${this.file} (${describeFsError(error)}); ` +
          `will try again with the next change.`,
      );
    }
  }

  /** Keeps the damaged file for a look later and starts from an empty state. */
  private async startFresh(reason: string): Promise<void> {
    const time = new Date(this.now()).toISOString().replace(/:/g, '');
    let aside: string;
    try {
      aside = await moveAside(this.file, `broken-${time}`);
    } catch (error) {
      throw new Error(
        `The bridge state at ${this.file} is damaged (${reason}) and could not be moved aside ` +
          `(${describeFsError(error)}). Fix or remove the file.`,
      );
    }
    this.startNotice =
      `The saved state was damaged (${reason}); it was moved to ${aside} and the bridge ` +
      `started fresh: chats are no longer linked to their sessions.`;
    this.log.warn(this.startNotice);
  }
}
