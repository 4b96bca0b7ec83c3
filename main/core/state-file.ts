// The file operations under the state store. The state folder and files are private to the user
// (they hold prompts, paths and session ids), and a write never goes through a name someone else
// could have prepared.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from './log';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Replaces `file` with `text` all at once: a crash mid-write leaves the previous file. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
  // A name of its own per write ('wx' fails rather than reuse one): another writer, or a file
  // planted in the folder, cannot be written through or have its half-written file renamed.
  const temp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'wx', FILE_MODE);
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Creates `dir` owner-only, or tightens it to owner-only if it is open to others. */
export async function makePrivateDir(dir: string, log: Logger): Promise<void> {
  let mode: number;
  try {
    await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
    mode = (await fs.stat(dir)).mode;
  } catch (error) {
    throw new Error(`Cannot create the state folder ${dir}: ${describeFsError(error)}.`);
  }
  if ((mode & 0o077) === 0) return;
  try {
    await fs.chmod(dir, DIR_MODE);
    log.info(`Made the state folder ${dir} private to this user (it was open to others).`);
  } catch (error) {
    log.warn(
      `The state folder ${dir} is open to other users and could not be made private ` +
        `(${describeFsError(error)}).`,
    );
  }
}

/** Renames `file` to `<file>.<suffix>`, owner-only; returns the new path. */
export async function moveAside(file: string, suffix: string): Promise<string> {
  const aside = `${file}.${suffix}`;
  await fs.rename(file, aside);
  await fs.chmod(aside, FILE_MODE);
  return aside;
}

/** An fs error in plain words, for a log line. */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC':
      return 'disk full';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only disk';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EEXIST':
      return 'a file is in the way';
    case 'ENOENT':
      return 'a file or folder went missing';
    case 'EISDIR':
      return 'a folder is in the way';
    default:
      return e.code ?? (error instanceof Error ? error.message : String(error));
  }
}
