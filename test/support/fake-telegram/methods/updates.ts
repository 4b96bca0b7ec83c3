// getUpdates (long polling), getWebhookInfo, deleteWebhook. The fake never has a webhook, so
// polling is always allowed.
import type { MethodHandler } from '../context';

// Telegram clamps limit into 1..100 rather than failing.
const clampLimit = (limit: number | undefined): number =>
  limit === undefined || limit <= 0 ? 100 : Math.min(limit, 100);

export const getUpdates: MethodHandler = (ctx, params) => {
  const allowed = params.optJson<string[]>('allowed_updates', 'allowed_updates JSON object');
  const poll = ctx.queue.poll({
    offset: params.optInt('offset'),
    limit: clampLimit(params.optInt('limit')),
    timeoutSeconds: Math.max(0, params.optInt('timeout') ?? 0),
    allowedUpdates: Array.isArray(allowed) ? allowed : undefined,
  });
  ctx.onClientGone(poll.cancel);
  return poll.result;
};

export const getWebhookInfo: MethodHandler = (ctx) => ({
  url: '',
  has_custom_certificate: false,
  pending_update_count: ctx.queue.pendingCount(),
});

export const deleteWebhook: MethodHandler = (ctx, params) => {
  if (params.bool('drop_pending_updates')) ctx.queue.dropPending();
  return true;
};
