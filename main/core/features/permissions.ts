// Permission requests as one message with Once / Always / Reject buttons. The tap replies to
// OpenCode, answers the callback (no endless spinner) and shows the decision in place of the
// buttons. Answered at the desk instead? The phone's prompt says so.
import type { Context } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { BridgeContext, Feature } from '../context';
import { toError } from '../errors';
import { callbackData, type ButtonPress } from '../interaction/buttons';
import { isGone } from '../opencode/adapter';
import type { PermissionReply, PermissionRequest } from '../opencode/types';
import { escapeHtml } from '../telegram/format';
import { PendingPrompts } from './pending-prompts';
import { describePermission } from './permission-view';

export { describePermission } from './permission-view';

const REPLIES: Record<string, PermissionReply> = { o: 'once', a: 'always', r: 'reject' };

const OUTCOME: Record<PermissionReply, string> = {
  once: '✅ <b>Allowed once</b>',
  always: '✅ <b>Always allowed</b>',
  reject: '❌ <b>Rejected</b>',
};

export const NO_LONGER_VALID = 'This prompt is no longer valid.';

export function permissionsFeature(context: BridgeContext): Feature {
  const prompts = new PendingPrompts(context, 'permission');

  const show = (request: PermissionRequest): void => {
    void prompts.show(request.id, request.sessionID, (token, directory) => ({
      ...describePermission(request, directory),
      keyboard: permissionKeyboard(token),
    }));
  };

  return {
    buttonKinds: ['permission'],

    onEvent(event) {
      if (event.type === 'permission-asked') show(event.request);
      if (event.type === 'permission-answered') {
        const reply = event.reply as PermissionReply;
        void prompts.answeredElsewhere(
          event.requestId,
          `${OUTCOME[reply] ?? escapeHtml(reply)} <i>(answered at the desk)</i>`,
        );
      }
    },

    async onConnected() {
      const pending = await prompts.pendingInOpencode((directory) =>
        context.client.pendingPermissions(directory),
      );
      await prompts.forgetAllBut(
        new Set(pending.map((p) => p.id)),
        '<i>Answered elsewhere while the bridge was away.</i>',
      );
      for (const request of pending) show(request);
    },

    waitingSessions: () => prompts.all().map((p) => p.sessionId),

    async onButton(ctx: Context, press: ButtonPress) {
      const requestId = press.record.payload['requestId'] as string;
      const reply = REPLIES[press.arg];
      const record = prompts.get(requestId);
      if (!reply || !record || record.token !== press.token) {
        await prompts.answerPress(ctx, NO_LONGER_VALID);
        return;
      }
      await context.beforeSideEffect(ctx.update.update_id);
      try {
        await prompts.answerInOpencode(record, (directory) =>
          context.client.replyPermission(requestId, reply, directory),
        );
      } catch (error) {
        if (isGone(error)) {
          await prompts.answerPress(ctx, NO_LONGER_VALID);
          await prompts.settle(requestId, '<i>This request had already ended.</i>');
          return;
        }
        await prompts.answerPress(
          ctx,
          `OpenCode did not take the answer: ${toError(error).message}`,
        );
        return;
      }
      await prompts.answerPress(ctx, OUTCOME[reply].replace(/<[^>]+>/g, '').replace(/^\S+ /u, ''));
      context.logger('bridge').info(`Permission ${requestId} answered from the phone: ${reply}`);
      await prompts.settle(requestId, OUTCOME[reply]);
    },
  };
}

export function permissionKeyboard(token: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [
        { text: '✅ Once', callback_data: callbackData(token, 'o') },
        { text: '♾️ Always', callback_data: callbackData(token, 'a') },
        { text: '❌ Reject', callback_data: callbackData(token, 'r') },
      ],
    ],
  };
}
