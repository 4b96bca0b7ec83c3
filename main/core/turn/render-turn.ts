// Turns a TurnModel into what the phone shows: the live message (edited in place while the agent
// works) and the final answer (in full, split over as many messages as it needs), plus the short
// notice that makes the phone buzz when the turn ends. Pure.
import {
  escapeHtml,
  extensionForLanguage,
  isSingleHugeCodeBlock,
  markdownToTelegramHtml,
  splitTelegramHtml,
  truncateForStreaming,
} from '../telegram/format';
import type { MessageError } from '../opencode/types';
import { summarizeTools } from './tool-summary';
import type { TurnModel } from './turn-model';

export const TELEGRAM_TEXT_LIMIT = 4096;

export interface RenderOptions {
  showReasoning: boolean;
}

/** The message edited in place while the agent works; always ≤ 4096 visible characters. */
export function renderLive(turn: TurnModel, options: RenderOptions): string {
  const head = headerHtml(turn, options);
  const answer = turn.answer;
  const status =
    turn.status.type === 'retry'
      ? `🔁 <i>retrying (attempt ${turn.status.attempt})${turn.status.message ? `: ${escapeHtml(clip(turn.status.message, 200))}` : ''}</i>`
      : '⏳ <i>working…</i>';
  const body = answer ? markdownToTelegramHtml(answer) : '';
  const reserved = visibleBudget(head) + visibleBudget(status) + 4;
  const parts = [
    head,
    body ? truncateForStreaming(body, TELEGRAM_TEXT_LIMIT - reserved) : '',
    status,
  ];
  return parts.filter(Boolean).join('\n\n');
}

/** The final answer, split at paragraph or code boundaries into valid ≤ 4096 messages. */
export function renderFinal(turn: TurnModel, options: RenderOptions): string[] {
  const answer = turn.answer;
  return splitFinal(turn, options, answer ? markdownToTelegramHtml(answer) : '');
}

/** A file sent after the final messages, instead of pasting its content as text. */
export interface FinalDocument {
  filename: string;
  content: string;
}

export interface FinalDelivery {
  /** The messages: the first replaces the live message, the rest follow (silently). */
  chunks: string[];
  /** Sent after the chunks when the answer is essentially one code block too long for a message. */
  document?: FinalDocument | undefined;
}

/**
 * Like renderFinal, except that an answer which is one huge code block goes as a file (read as
 * code on the phone, saved in one tap) and the messages carry only the text around it.
 */
export function renderFinalDelivery(turn: TurnModel, options: RenderOptions): FinalDelivery {
  const answer = turn.answer;
  const huge = answer ? isSingleHugeCodeBlock(answer) : undefined;
  if (!huge) return { chunks: renderFinal(turn, options) };
  const filename = `answer.${extensionForLanguage(huge.language)}`;
  const note = `📄 <i>The code is in ${escapeHtml(filename)} below.</i>`;
  return {
    chunks: splitFinal(turn, options, [huge.captionHtml, note].filter(Boolean).join('\n\n')),
    document: { filename, content: huge.code.endsWith('\n') ? huge.code : `${huge.code}\n` },
  };
}

function splitFinal(turn: TurnModel, options: RenderOptions, answerHtml: string): string[] {
  const head = headerHtml(turn, options);
  let body: string;
  if (answerHtml) body = answerHtml;
  else if (turn.aborted) body = '<i>(stopped before answering)</i>';
  // The live message must not keep saying "working…"; the notice that follows says why.
  else if (turn.error) body = '<i>(failed before answering)</i>';
  else body = '<i>(no text answer)</i>';
  const whole = [head, body].filter(Boolean).join('\n\n');
  return whole ? splitTelegramHtml(whole, TELEGRAM_TEXT_LIMIT) : [];
}

/** One short new message when the turn ends, so the phone notifies (edits are silent). */
export function renderNotice(turn: TurnModel, finishedAt: number): string {
  const seconds = Math.max(0, Math.round((finishedAt - turn.startedAt) / 1000));
  const duration =
    seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  if (turn.error)
    return `⚠️ Failed after ${duration}: ${escapeHtml(describeAgentError(turn.error))}`;
  if (turn.aborted) return `⏹ Stopped after ${duration}.`;
  const { tokens, cost } = turn.usage;
  const pieces = [`✅ Done in ${duration}`];
  if (tokens > 0) pieces.push(`${tokens.toLocaleString('en-US')} tokens`);
  if (cost > 0) pieces.push(`$${cost.toFixed(4)}`);
  return pieces.join(' · ');
}

/** OpenCode's session errors in words a person on a phone can act on. */
export function describeAgentError(error: MessageError): string {
  const detail = typeof error.data?.message === 'string' ? error.data.message : '';
  switch (error.name) {
    case 'ProviderAuthError':
      return `the model provider rejected OpenCode's credentials${detail ? ` (${detail})` : ''}. Check the provider's API key on the Mac.`;
    case 'APIError':
      return `the model's API answered with an error${detail ? `: ${detail}` : ''}.`;
    case 'ContextOverflowError':
      return 'the conversation no longer fits in the model’s context. Start a fresh session with /new.';
    case 'MessageOutputLengthError':
      return 'the answer hit the model’s output limit and was cut off.';
    case 'ContentFilterError':
      return 'the provider’s content filter blocked the answer.';
    case 'StructuredOutputError':
      return `the model did not produce the expected output${detail ? `: ${detail}` : ''}.`;
    default:
      return detail || error.name || 'unknown error';
  }
}

function headerHtml(turn: TurnModel, options: RenderOptions): string {
  const lines: string[] = [];
  const tools = summarizeTools(turn.toolCalls);
  if (tools) lines.push(`🔧 <i>${escapeHtml(tools)}</i>`);
  if (options.showReasoning && turn.reasoning) {
    lines.push(`<blockquote expandable>💭 ${escapeHtml(clip(turn.reasoning, 1500))}</blockquote>`);
  }
  return lines.join('\n');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An upper bound on the visible length of small fixed pieces of HTML. */
function visibleBudget(html: string): number {
  return html.replace(/<[^>]*>/g, '').length;
}
