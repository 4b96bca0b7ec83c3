// answerCallbackQuery: each query id exists once and can be answered once.
import type { MethodHandler } from '../context';
import { badRequest } from '../errors';

const ANSWER_TEXT_LIMIT = 200;

export const answerCallbackQuery: MethodHandler = (ctx, params) => {
  const id = params.optString('callback_query_id') ?? '';
  const query = ctx.store.callbackQueries.get(id);
  if (!query || query.answered) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  const text = params.optString('text');
  if (text !== undefined && text.length > ANSWER_TEXT_LIMIT) throw badRequest('MESSAGE_TOO_LONG');
  query.answered = true;
  ctx.store.callbackAnswers.push({
    callbackQueryId: id,
    text,
    showAlert: params.bool('show_alert'),
    url: params.optString('url'),
    at: ctx.now(),
  });
  return true;
};
