// What a question prompt says and which buttons it carries. Nothing is cut silently: an option
// whose label does not fit on its button is listed in full in the message (numbered, and its
// button carries the number); a question too long for one message goes along as a file, and the
// message says so.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { callbackData } from '../interaction/buttons';
import type { QuestionRequest } from '../opencode/types';
import { escapeHtml } from '../telegram/format';
import { fitBody, fitsPrompt } from '../telegram/format/prompt-fit';
import { clipMarked, showInvisible } from '../telegram/format/visible-text';
import type { PromptFile } from './pending-prompts';
import { MARKS_NOTE } from './permission-view';

type Question = QuestionRequest['questions'][number];

/** Longer option labels are clipped on their buttons (the full text is in the message). */
const MAX_LABEL = 60;
export const QUESTION_FILE = 'question.txt';

const oneLine = (text: string) => showInvisible(text, { keepLineBreaks: false });

/** Whether an option's label shows in full on its button. */
const fitsButton = (label: string): boolean => {
  const shown = oneLine(label);
  return !shown.marked && shown.text.length <= MAX_LABEL;
};

/** Options are numbered (message and buttons) when a button cannot show its whole label. */
const numbered = (question: Question): boolean =>
  !question.options.every((o) => fitsButton(o.label));

export function renderQuestion(
  request: QuestionRequest,
  index: number,
  selected: readonly string[],
): string {
  const question = request.questions[index];
  if (!question) return '';
  if (!overflows(request, index)) return renderWhole(request, index, selected);
  return renderShortened(request, index, selected);
}

/** The whole question; measured with every option chosen, its longest form. */
function overflows(request: QuestionRequest, index: number): boolean {
  const question = request.questions[index];
  if (!question) return false;
  const all = question.multiple ? question.options.map((o) => o.label) : [];
  return !fitsPrompt(renderWhole(request, index, all));
}

function title(request: QuestionRequest, index: number, question: Question): string {
  const header = oneLine(question.header || 'The agent asks').text;
  const count = request.questions.length;
  return `❓ <b>${escapeHtml(header)}</b>${count > 1 ? ` <i>(${index + 1} of ${count})</i>` : ''}`;
}

function hints(question: Question, chosen: string | undefined): string[] {
  const parts: string[] = [];
  if (question.multiple) parts.push('Choose any, then Done.');
  if (question.custom !== false) parts.push('Or type your own answer.');
  if (chosen) parts.push(`Chosen: ${chosen}`);
  return parts.length > 0 ? ['', `<i>${parts.join(' ')}</i>`] : [];
}

function renderWhole(request: QuestionRequest, index: number, selected: readonly string[]): string {
  const question = request.questions[index]!;
  const text = showInvisible(question.question);
  const marks = [
    text,
    ...question.options.flatMap((o) => [oneLine(o.label), oneLine(o.description ?? '')]),
  ];
  const lines = [title(request, index, question), escapeHtml(text.text)];
  const isNumbered = numbered(question);
  if (isNumbered || question.options.some((o) => o.description)) {
    lines.push(
      '',
      ...question.options.map(
        (o, i) =>
          `${isNumbered ? `${i + 1}.` : '•'} <b>${escapeHtml(oneLine(o.label).text)}</b>${o.description ? ` — ${escapeHtml(oneLine(o.description).text)}` : ''}`,
      ),
    );
  }
  if (marks.some((m) => m.marked)) lines.push('', MARKS_NOTE);
  const chosen = selected.map((label) => escapeHtml(oneLine(label).text)).join(', ');
  lines.push(...hints(question, chosen));
  return lines.join('\n');
}

/** As much of the question and its options as fits, the rest in the attached file. */
function renderShortened(
  request: QuestionRequest,
  index: number,
  selected: readonly string[],
): string {
  const question = request.questions[index]!;
  let marked = false;
  const show = (text: string, keepLineBreaks: boolean) => {
    const shown = showInvisible(text, { keepLineBreaks });
    marked ||= shown.marked;
    return shown;
  };
  const body = [
    show(question.question, true).text,
    '',
    ...question.options.map((o, i) => optionLine(o, i, (t) => show(t, false))),
  ].join('\n');
  // Chosen options by number: their labels may be what made the question too long.
  const chosen = selected
    .map((label) => question.options.findIndex((o) => o.label === label) + 1)
    .filter((n) => n > 0)
    .join(', ');
  return fitBody(body, (shown) =>
    [
      title(request, index, question),
      escapeHtml(shown),
      ...(marked ? ['', MARKS_NOTE] : []),
      '',
      `⚠️ <b>This question is too long to show here</b>: the full question and every option are in the attached file ${QUESTION_FILE}.`,
      ...hints(question, chosen),
    ].join('\n'),
  ).html;
}

function optionLine(
  option: Question['options'][number],
  i: number,
  show: (text: string) => { text: string },
): string {
  return `${i + 1}. ${show(option.label).text}${option.description ? ` — ${show(option.description).text}` : ''}`;
}

/** The file with every question of the request, exactly, when one of them does not fit. */
export function questionFiles(request: QuestionRequest): PromptFile[] {
  if (!request.questions.some((_, i) => overflows(request, i))) return [];
  const count = request.questions.length;
  const text = request.questions
    .map((q, i) =>
      [
        `Question ${i + 1} of ${count}: ${q.header || 'The agent asks'}`,
        q.question,
        '',
        'Options:',
        ...q.options.map((o, n) => optionLine(o, n, (t) => ({ text: t }))),
      ].join('\n'),
    )
    .join('\n\n');
  return [
    {
      name: QUESTION_FILE,
      text: `${text}\n`,
      captionHtml: 'The full question the agent asks, with every option.',
    },
  ];
}

export function questionKeyboard(
  token: string,
  request: QuestionRequest,
  index: number,
  selected: readonly string[],
): InlineKeyboardMarkup {
  const question: Question | undefined = request.questions[index];
  const isNumbered = question !== undefined && (numbered(question) || overflows(request, index));
  const rows: InlineKeyboardButton[][] = (question?.options ?? []).map((option, i) => [
    {
      text: `${question?.multiple && selected.includes(option.label) ? '☑️ ' : ''}${clip(`${isNumbered ? `${i + 1}. ` : ''}${oneLine(option.label).text}`)}`,
      callback_data: callbackData(token, `${index}.${i}`),
    },
  ]);
  const last: InlineKeyboardButton[] = [];
  if (question?.multiple)
    last.push({ text: '✔️ Done', callback_data: callbackData(token, `${index}.d`) });
  last.push({ text: '⏭ Skip', callback_data: callbackData(token, `${index}.s`) });
  rows.push(last);
  return { inline_keyboard: rows };
}

function clip(label: string): string {
  const { text, clipped } = clipMarked(label, MAX_LABEL - 1);
  return clipped ? `${text}…` : label;
}
