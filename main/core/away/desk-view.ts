// What the phone shows about a session it does not follow: the line heading its prompts (which
// task asks, in which folder) and the short notice when one of its long turns ends. Pure.
import type { InlineKeyboardMarkup } from 'grammy/types';
import { callbackData } from '../interaction/buttons';
import type { Session } from '../opencode/types';
import { describeAgentError } from '../turn/render-turn';
import { escapeHtml } from '../telegram/format';
import { showInvisible } from '../telegram/format/visible-text';
import type { EndedTurn } from './desk-turns';

const TITLE_MAX = 60;
const FOLDER_MAX = 80;
const ANSWER_LINES = 3;
const ANSWER_MAX = 300;

const oneLine = (text: string): string => showInvisible(text, { keepLineBreaks: false }).text;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The end of a long path is what tells folders apart. */
function clipFolder(folder: string): string {
  return folder.length > FOLDER_MAX ? `…${folder.slice(folder.length - FOLDER_MAX + 1)}` : folder;
}

const titleHtml = (session: Session): string =>
  `<b>${escapeHtml(clip(oneLine(session.title || session.id), TITLE_MAX))}</b>`;

/** "🖥 <title> · <folder>"; a sub-agent's session names the task that started it first. */
export function deskHeader(session: Session, parent?: Session): string {
  const who = parent
    ? `${titleHtml(parent)} › sub-agent ${titleHtml(session)}`
    : titleHtml(session);
  return `🖥 ${who} · <code>${escapeHtml(clipFolder(oneLine(session.directory)))}</code>`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The first lines of an answer, as plain text: enough to know whether to look now. */
export function answerPreview(answer: string): string {
  const lines = answer
    .split('\n')
    .filter((l) => !/^\s*`{3}/.test(l))
    .map((l) =>
      l
        .replace(/^[#>*\-\s]+/, '')
        .replace(/\*\*|__|`/g, '')
        .trim(),
    )
    .filter((l) => l !== '');
  const preview = lines.slice(0, ANSWER_LINES).join('\n');
  return (
    clip(preview, ANSWER_MAX) +
    (lines.length > ANSWER_LINES && preview.length <= ANSWER_MAX ? '\n…' : '')
  );
}

export interface TurnOutcome {
  answer: string;
  error?: EndedTurn['error'];
  aborted: boolean;
}

/** One short message: which session, where, how long, and the answer's start or the error. */
export function deskTurnNotice(session: Session, turn: EndedTurn, outcome: TurnOutcome): string {
  const took = formatDuration(turn.endedAt - turn.startedAt);
  const where = `<code>${escapeHtml(clipFolder(oneLine(session.directory)))}</code>`;
  const error = outcome.error ?? turn.error;
  if (error) {
    return `⚠️ ${titleHtml(session)} failed after ${took} · ${where}\n${escapeHtml(describeAgentError(error))}`;
  }
  if (outcome.aborted || turn.aborted)
    return `⏹ ${titleHtml(session)} was stopped after ${took} · ${where}`;
  const preview = answerPreview(outcome.answer);
  return `🖥 ${titleHtml(session)} finished after ${took} · ${where}${preview ? `\n\n${escapeHtml(preview)}` : ''}`;
}

export function continueKeyboard(token: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: [[{ text: '▶️ Continue here', callback_data: callbackData(token, 'c') }]],
  };
}
