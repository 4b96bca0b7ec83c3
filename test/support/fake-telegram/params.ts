// Typed access to request parameters. Form and multipart bodies carry every value as a string
// (objects as JSON), JSON bodies carry real types; Telegram accepts both, and so does this.
import { badRequest } from './errors';
import { isUpload, type RawParams, type UploadedFile } from './request-body';

export class Params {
  constructor(readonly raw: RawParams) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== '';
  }

  optString(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  optInt(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n)) throw badRequest(`invalid ${name} specified`);
    return n;
  }

  int(name: string, missing = `${name} is empty`): number {
    const n = this.optInt(name);
    if (n === undefined) throw badRequest(missing);
    return n;
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === 'true' || value === '1' || value === 1;
  }

  /** An object/array parameter, given either as JSON value or as a JSON string. */
  optJson<T>(name: string, what = `${name} JSON object`): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${what}`);
    }
  }

  /** chat_id: an integer or an `@username` string. */
  chatId(name = 'chat_id'): number | string {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') throw badRequest(`${name} is empty`);
    if (typeof value === 'string' && value.startsWith('@')) return value;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n)) throw badRequest('chat not found');
    return n;
  }

  /** A file parameter: an upload (directly or via attach://name) or a file_id/URL string. */
  file(name: string): UploadedFile | string | undefined {
    const value = this.raw[name];
    if (isUpload(value)) return value;
    if (typeof value !== 'string' || value === '') return undefined;
    if (value.startsWith('attach://')) {
      const attached = this.raw[value.slice('attach://'.length)];
      if (!isUpload(attached)) throw badRequest(`wrong HTTP URL specified`);
      return attached;
    }
    return value;
  }
}
