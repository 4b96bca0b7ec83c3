// Turns a Bot API request (query string + JSON, urlencoded or multipart body) into one flat
// parameter record, like the real server which accepts all three encodings for every method.
import { ApiError } from './errors';
import { boundaryOf, parseMultipart } from './multipart';

export interface UploadedFile {
  readonly kind: 'upload';
  filename: string;
  contentType: string | undefined;
  data: Buffer;
}

export type RawParams = Record<string, unknown>;

export function isUpload(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && (value as UploadedFile).kind === 'upload';
}

export function parseRequestParams(
  query: URLSearchParams,
  contentType: string | undefined,
  body: Buffer,
): RawParams {
  const params: RawParams = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return params;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      Object.assign(params, parsed);
    }
    return params;
  }
  if (type === 'application/x-www-form-urlencoded') {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    return params;
  }
  if (type === 'multipart/form-data') {
    const boundary = boundaryOf(contentType ?? '');
    if (!boundary) throw new ApiError(400, "Bad Request: can't parse multipart/form-data");
    for (const part of parseMultipart(body, boundary)) {
      params[part.name] =
        part.filename === undefined
          ? part.data.toString('utf8')
          : ({
              kind: 'upload',
              filename: part.filename,
              contentType: part.contentType,
              data: Buffer.from(part.data),
            } satisfies UploadedFile);
    }
  }
  return params;
}
