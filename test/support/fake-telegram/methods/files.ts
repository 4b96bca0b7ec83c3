// sendDocument, sendPhoto (multipart upload or file_id) and getFile.
import type { MessageEntity } from 'grammy/types';
import {
  resolveChat,
  resolveReply,
  resolveThread,
  type MethodContext,
  type MethodHandler,
} from '../context';
import { ApiError, badRequest } from '../errors';
import { documentOf, mimeTypeFor, photoSizesOf, storeFile } from '../file-registry';
import { formatCaption } from '../formatted-text';
import { imageInfo } from '../image-info';
import { createMessage } from '../message-factory';
import type { Params } from '../params';
import { parseReplyMarkup } from '../reply-markup';
import type { UploadedFile } from '../request-body';
import type { StoredFile } from '../store';

// Bot API limits: 50 MB uploads, 10 MB photos, 20 MB getFile downloads.
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

type Source = { upload: UploadedFile } | { existing: StoredFile };

function fileSource(ctx: MethodContext, params: Params, field: string): Source {
  const value = params.file(field);
  if (value === undefined) throw badRequest(`there is no ${field} in the request`);
  if (typeof value !== 'string') {
    if (value.data.length === 0) throw badRequest('file must be non-empty');
    if (value.data.length > MAX_UPLOAD_BYTES) throw new ApiError(413, 'Request Entity Too Large');
    return { upload: value };
  }
  // The fake has no internet access, so URLs can never be fetched.
  if (/^https?:\/\//i.test(value)) throw badRequest('failed to get HTTP URL content');
  const existing = ctx.store.files.get(value);
  if (!existing) throw badRequest('wrong file identifier/HTTP URL specified');
  return { existing };
}

function sendWithFile(
  ctx: MethodContext,
  params: Params,
  media: (source: Source) => Record<string, unknown>,
  field: string,
): unknown {
  const chat = resolveChat(ctx, params);
  const thread = resolveThread(ctx, chat, params);
  const source = fileSource(ctx, params, field);
  const caption = formatCaption({
    text: params.optString('caption') ?? '',
    parseMode: params.optString('parse_mode'),
    entities: params.optJson<MessageEntity[]>('caption_entities', 'caption entities JSON object'),
  });
  const markup = parseReplyMarkup(params);
  const { replyTo, threadId } = resolveReply(ctx, chat, thread, params);
  const hasCaption = caption.text.length > 0;
  return createMessage(ctx.store, {
    chat,
    from: ctx.store.botUser,
    fromBot: true,
    threadId,
    replyTo,
    content: {
      ...media(source),
      caption: hasCaption ? caption.text : undefined,
      caption_entities: caption.entities,
    },
    text: undefined,
    html:
      params.optString('parse_mode')?.toLowerCase() === 'html'
        ? params.optString('caption')
        : undefined,
    entities: caption.entities,
    replyMarkup: markup.inline,
    rawReplyMarkup: markup.raw,
    now: ctx.now(),
  }).message;
}

export const sendDocument: MethodHandler = (ctx, params) =>
  sendWithFile(
    ctx,
    params,
    (source) => {
      if ('existing' in source) return { document: documentOf(source.existing) };
      const { filename, data } = source.upload;
      const file = storeFile(ctx.store, 'document', data, filename, mimeTypeFor(filename));
      return { document: documentOf(file) };
    },
    'document',
  );

export const sendPhoto: MethodHandler = (ctx, params) =>
  sendWithFile(
    ctx,
    params,
    (source) => {
      const data = 'existing' in source ? source.existing.data : source.upload.data;
      const info = imageInfo(data);
      if (!info) throw badRequest('IMAGE_PROCESS_FAILED');
      if ('upload' in source && data.length > MAX_PHOTO_BYTES)
        throw badRequest('PHOTO_INVALID_DIMENSIONS');
      return { photo: photoSizesOf(ctx.store, data, info.width, info.height) };
    },
    'photo',
  );

export const getFile: MethodHandler = (ctx, params) => {
  const fileId = params.optString('file_id') ?? '';
  if (fileId === '') throw badRequest('file_id is empty');
  const file = ctx.store.files.get(fileId);
  if (!file) throw badRequest('invalid file_id');
  if (file.data.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.data.length,
    file_path: file.filePath,
  };
};
