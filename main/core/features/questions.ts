// The agent's questions as buttons: one question at a time, its options as buttons (toggles and a
// Done button where several may be chosen), a typed answer where custom answers are allowed, and
// Skip to decline. All answers go back to OpenCode in one reply.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { toError } from '../errors';
import type { ButtonPress } from '../interaction/buttons';
import { isGone } from '../opencode/adapter';
import type { QuestionRequest } from '../opencode/types';
import type { PromptRecord } from '../state-store';
import { escapeHtml } from '../telegram/format';
import type { Place } from '../telegram/messenger';
import { NO_LONGER_VALID } from './permissions';
import { PendingPrompts } from './pending-prompts';
import { questionFiles, questionKeyboard, renderQuestion } from './question-view';

export { questionKeyboard, renderQuestion } from './question-view';

export function questionsFeature(context: BridgeContext): Feature {
  const prompts = new PendingPrompts(context, 'question');
  /** The questions of each open request, kept in memory; re-read from OpenCode after a restart. */
  const requests = new Map<string, QuestionRequest>();

  const show = (request: QuestionRequest): void => {
    requests.set(request.id, request);
    void prompts.show(request.id, request.sessionID, (token) => ({
      html: renderQuestion(request, 0, []),
      keyboard: questionKeyboard(token, request, 0, []),
      files: questionFiles(request),
      extra: { answers: [], current: 0 },
    }));
  };

  /** A press gets its answer; a typed answer that failed is said in the chat. */
  const tell = async (record: PromptRecord, ctx: Context | undefined, text: string) => {
    if (ctx) {
      await prompts.answerPress(ctx, text);
      return;
    }
    await context.messenger
      .send({ chatId: record.chatId, threadId: record.threadId }, escapeHtml(text), {
        priority: 'prompt',
      })
      .catch((error: unknown) =>
        context.logger('telegram').warn(`Could not say so: ${toError(error).message}`),
      );
  };

  const finish = async (record: PromptRecord, ctx: Context | undefined): Promise<void> => {
    const answers = record.answers ?? [];
    try {
      await prompts.answerInOpencode(record, (directory) =>
        context.client.replyQuestion(record.requestId, answers, directory),
      );
    } catch (error) {
      const gone = isGone(error);
      await tell(
        record,
        ctx,
        gone ? NO_LONGER_VALID : `OpenCode did not take the answer: ${toError(error).message}`,
      );
      if (gone) {
        requests.delete(record.requestId);
        await prompts.settle(record.requestId, '<i>This question had already ended.</i>');
      }
      return;
    }
    if (ctx) await prompts.answerPress(ctx, 'Answered');
    context.logger('bridge').info(`Question ${record.requestId} answered from the phone.`);
    requests.delete(record.requestId);
    await prompts.settle(
      record.requestId,
      `✅ <b>Answered:</b> ${escapeHtml(answers.map((a) => a.join(', ') || '—').join(' · '))}`,
    );
  };

  /** Records the answer to the current question and moves on (or replies when it was the last). */
  const answerCurrent = async (
    record: PromptRecord,
    labels: string[],
    ctx: Context | undefined,
  ): Promise<void> => {
    const request = requests.get(record.requestId);
    const current = record.current ?? 0;
    const answers = [...(record.answers ?? [])];
    answers[current] = labels;
    const next: PromptRecord = { ...record, answers, current: current + 1 };
    if (!request || next.current! >= request.questions.length) {
      await finish(next, ctx);
      return;
    }
    await prompts.save(next);
    if (ctx) await prompts.answerPress(ctx);
    await prompts.update(
      next,
      renderQuestion(request, next.current!, []),
      questionKeyboard(record.token, request, next.current!, []),
    );
  };

  return {
    buttonKinds: ['question'],

    onEvent(event) {
      if (event.type === 'question-asked') show(event.request);
      if (event.type === 'question-answered') {
        requests.delete(event.requestId);
        const outcome =
          event.answers === undefined
            ? '⏭ <b>Skipped</b> <i>(at the desk)</i>'
            : `✅ <b>Answered at the desk:</b> ${escapeHtml(event.answers.map((a) => a.join(', ')).join(' · '))}`;
        void prompts.answeredElsewhere(event.requestId, outcome);
      }
    },

    async onConnected() {
      const pending = await prompts.pendingInOpencode((directory) =>
        context.client.pendingQuestions(directory),
      );
      // Questions that ended while the connection was down get no "replied" event.
      requests.clear();
      for (const request of pending) requests.set(request.id, request);
      await prompts.forgetAllBut(
        new Set(pending.map((q) => q.id)),
        '<i>Answered elsewhere while the bridge was away.</i>',
      );
      for (const request of pending) show(request);
    },

    waitingSessions: () => prompts.all().map((p) => p.sessionId),

    sizes: () => ({ 'questions.requests': requests.size }),

    async onButton(ctx: Context, press: ButtonPress) {
      const requestId = press.record.payload['requestId'] as string;
      const record = prompts.get(requestId);
      const request = requests.get(requestId);
      const [indexText, choice] = press.arg.split('.');
      const current = record?.current ?? 0;
      const question = request?.questions[current];
      if (
        !record ||
        !request ||
        !question ||
        record.token !== press.token ||
        indexText !== String(current) ||
        choice === undefined
      ) {
        await prompts.answerPress(ctx, NO_LONGER_VALID);
        return;
      }
      await context.beforeSideEffect(ctx.update.update_id);
      if (choice === 's') {
        try {
          await prompts.answerInOpencode(record, (directory) =>
            context.client.rejectQuestion(requestId, directory),
          );
        } catch (error) {
          const gone = isGone(error);
          await prompts.answerPress(
            ctx,
            gone ? NO_LONGER_VALID : `OpenCode did not take the answer: ${toError(error).message}`,
          );
          if (gone) {
            requests.delete(requestId);
            await prompts.settle(requestId, '<i>This question had already ended.</i>');
          }
          return;
        }
        await prompts.answerPress(ctx, 'Skipped');
        requests.delete(requestId);
        await prompts.settle(requestId, '⏭ <b>Skipped</b>');
        return;
      }
      const selected = record.answers?.[current] ?? [];
      if (choice === 'd') {
        await answerCurrent(record, selected, ctx);
        return;
      }
      const option = question.options[Number(choice)];
      if (!option || !/^\d+$/.test(choice)) {
        await prompts.answerPress(ctx, NO_LONGER_VALID);
        return;
      }
      if (!question.multiple) {
        await answerCurrent(record, [option.label], ctx);
        return;
      }
      // Several choices: toggle, and wait for Done.
      const toggled = selected.includes(option.label)
        ? selected.filter((l) => l !== option.label)
        : [...selected, option.label];
      const answers = [...(record.answers ?? [])];
      answers[current] = toggled;
      const next = { ...record, answers };
      await prompts.save(next);
      await prompts.answerPress(ctx);
      await prompts.update(
        next,
        renderQuestion(request, current, toggled),
        questionKeyboard(record.token, request, current, toggled),
      );
    },

    /** A typed message answers the open question of this chat, where custom answers are allowed. */
    async onText(ctx: Context, place: Place, text: string) {
      const record = prompts.shownIn(place);
      const request = record && requests.get(record.requestId);
      const question = request?.questions[record?.current ?? 0];
      if (!record || !question || question.custom === false) return false;
      await context.beforeSideEffect(ctx.update.update_id);
      await answerCurrent(record, [text], undefined);
      return true;
    },
  };
}
