// What the registry needs of a turn on the phone, whichever way it streams: edited in place
// (LiveTurn) or as a draft in a private chat (DraftTurn).
import type { BridgeEvent } from '../opencode/adapter';
import type { Place } from '../telegram/messenger';
import type { TurnModel } from './turn-model';

export interface Turn {
  model: TurnModel;
  readonly sessionId: string;
  readonly place: Place;
  readonly startedAt: number;
  readonly replyTo: number | undefined;
  /** What the persisted record names: the reply message, or minus the draft id of a draft. */
  readonly replyMessageId: number | undefined;
  /** Whether OpenCode has said anything about this turn yet. */
  readonly started: boolean;
  apply(event: BridgeEvent): void;
  catchUp(): Promise<void>;
  markNeverStarted(): void;
  finish(): Promise<void>;
  dispose(): void;
  /** The draft this turn streams under, while it streams as one. */
  readonly draftId?: number | undefined;
  /** A bot message in the place cleared the draft: show it again. */
  redraw?(): void;
  /** The user pressed Stop on the draft: abort the OpenCode turn. */
  stop?(): Promise<void>;
}
