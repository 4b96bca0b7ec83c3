// /diff: what the session changed — one line per file, and the whole patch as a .diff document.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import type { FileDiff } from '../opencode/types';
import { escapeHtml } from '../telegram/format';
import { reply } from './prompt';

const MESSAGES_TO_SCAN = 200;
const FILES_LISTED = 30;

export function diffFeature(context: BridgeContext): Feature {
  const diff = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    if (!chat.sessionId) {
      await reply(context, place, 'No session yet: nothing has changed.');
      return;
    }
    const sessionId = chat.sessionId;
    let diffs: FileDiff[];
    try {
      // OpenCode keeps diffs per turn (by user message); the session-wide route answers empty.
      const messages = await context.client.messages(sessionId, MESSAGES_TO_SCAN);
      const turns = messages.filter((m) => m.info.role === 'user');
      diffs = (
        await Promise.all(turns.map((m) => context.client.diff(sessionId, m.info.id)))
      ).flat();
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not read the changes: ${escapeHtml(toError(error).message)}`,
      );
      return;
    }
    const files = mergeByFile(diffs);
    if (files.length === 0) {
      await reply(context, place, 'This session has not changed any file.');
      return;
    }
    const added = files.reduce((n, f) => n + f.additions, 0);
    const removed = files.reduce((n, f) => n + f.deletions, 0);
    const lines = files
      .slice(0, FILES_LISTED)
      .map(
        (f) =>
          `<code>+${f.additions} −${f.deletions}</code> ${escapeHtml(f.file)}${f.status === 'added' ? ' (new)' : f.status === 'deleted' ? ' (deleted)' : ''}`,
      );
    if (files.length > FILES_LISTED) lines.push(`… and ${files.length - FILES_LISTED} more`);
    const summary = `📝 <b>${files.length} file${files.length === 1 ? '' : 's'} changed</b> (+${added} −${removed})\n${lines.join('\n')}`;
    await reply(context, place, summary);
    const patch = files.map((f) => f.patch.trimEnd()).join('\n') + '\n';
    try {
      await context.messenger.sendDocument(
        place,
        Buffer.from(patch),
        `session-${sessionId.slice(-8)}.diff`,
        {
          priority: 'interactive',
        },
      );
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not send the patch: ${escapeHtml(toError(error).message)}`,
      );
    }
  };

  return {
    commands: [
      { command: 'diff', description: 'What the session changed, with the patch as a file' },
    ],
    install(bot) {
      bot.command('diff', diff);
    },
  };
}

/** One entry per file, in first-changed order, line counts added up and patches concatenated. */
export function mergeByFile(diffs: readonly FileDiff[]): FileDiff[] {
  const byFile = new Map<string, FileDiff>();
  for (const d of diffs) {
    const seen = byFile.get(d.file);
    if (!seen) {
      byFile.set(d.file, { ...d });
      continue;
    }
    seen.additions += d.additions;
    seen.deletions += d.deletions;
    seen.patch = `${seen.patch.trimEnd()}\n${d.patch}`;
    if (d.status === 'deleted') seen.status = 'deleted';
  }
  return [...byFile.values()];
}
