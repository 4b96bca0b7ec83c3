// Stores file bytes under Telegram-looking file_id / file_unique_id / file_path values so
// getFile and `/file/bot<token>/<file_path>` downloads work like the real thing.
import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import type { Document, PhotoSize } from 'grammy/types';
import type { Store, StoredFile } from './store';

export type FileKind = 'document' | 'photo' | 'voice' | 'audio';

// Prefixes resemble real ids (documents "BQAC", photos "AgAC", voice "AwAC", audio "CQAC").
const PREFIX: Record<FileKind, string> = {
  document: 'BQACAgIAAxkBAAI',
  photo: 'AgACAgIAAxkBAAI',
  voice: 'AwACAgIAAxkBAAI',
  audio: 'CQACAgIAAxkBAAI',
};
const FOLDER: Record<FileKind, string> = {
  document: 'documents',
  photo: 'photos',
  voice: 'voice',
  audio: 'music',
};

const MIME_BY_EXTENSION: Record<string, string> = {
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.html': 'text/html',
  '.csv': 'text/csv',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.diff': 'text/x-diff',
  '.patch': 'text/x-diff',
};

/** Telegram derives mime_type from the file name, ignoring grammY's octet-stream header. */
export function mimeTypeFor(fileName: string): string {
  return MIME_BY_EXTENSION[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

export function storeFile(
  store: Store,
  kind: FileKind,
  data: Buffer,
  fileName: string | undefined,
  mimeType: string | undefined,
): StoredFile {
  const counter = store.files.size + 1;
  const extension =
    kind === 'photo' ? '.jpg' : kind === 'voice' ? '.oga' : extname(fileName ?? '') || '';
  const file: StoredFile = {
    fileId: PREFIX[kind] + randomBytes(36).toString('base64url'),
    fileUniqueId: 'AgAD' + randomBytes(9).toString('base64url'),
    filePath: `${FOLDER[kind]}/file_${counter}${extension}`,
    data,
    fileName,
    mimeType,
  };
  store.files.set(file.fileId, file);
  return file;
}

export function documentOf(file: StoredFile): Document {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    ...(file.fileName !== undefined ? { file_name: file.fileName } : {}),
    ...(file.mimeType !== undefined ? { mime_type: file.mimeType } : {}),
    file_size: file.data.length,
  };
}

// Telegram keeps a few scaled copies of every photo; their longest sides.
const PHOTO_SIDES = [90, 320, 800, 1280];

/**
 * The PhotoSize array Telegram returns, smallest first. The fake does not rescale: every size
 * downloads as the original bytes (file_size says so), only width/height differ.
 */
export function photoSizesOf(
  store: Store,
  data: Buffer,
  width: number,
  height: number,
): PhotoSize[] {
  const longest = Math.max(width, height);
  const largest = Math.min(longest, 1280);
  const sides = PHOTO_SIDES.filter((side) => side < largest);
  sides.push(largest);
  return sides.map((side) => {
    const scale = side / longest;
    const file = storeFile(store, 'photo', data, undefined, undefined);
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: data.length,
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
    };
  });
}
