// Errors answered exactly like the Bot API: `{ ok: false, error_code, description, parameters? }`.
// Descriptions are the strings Telegram really sends, so bridge code can match on them.

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }

  toJSON(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized');
export const notFound = (): ApiError => new ApiError(404, 'Not Found');
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);

export const tooManyRequests = (retryAfter: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export const pollingConflict = (): ApiError =>
  new ApiError(
    409,
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  );

export const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

export const chatNotFound = (): ApiError => badRequest('chat not found');
/** A group, supergroup or channel the bot left: "…of the group chat", "…of the supergroup chat". */
export const notMember = (type: string): ApiError =>
  forbidden(`bot is not a member of the ${type} chat`);
export const threadNotFound = (): ApiError => badRequest('message thread not found');
