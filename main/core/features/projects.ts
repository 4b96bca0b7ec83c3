// /projects: choose the folder the chat works in — OpenCode's known projects plus the folders in
// BRIDGE_PROJECTS. Only listed folders can be chosen: the buttons carry a token, not a path.
import path from 'node:path';
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import type { ButtonPress } from '../interaction/buttons';
import { listChoice } from '../interaction/choices';
import { escapeHtml } from '../telegram/format';
import { NO_LONGER_VALID } from './permissions';
import { reply } from './prompt';
import { closeList, offerChoices } from './choice-list';

export function projectsFeature(context: BridgeContext): Feature {
  const list = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    let known: string[] = [];
    try {
      known = (await context.client.projects())
        .filter((p) => p.worktree && p.worktree !== '/')
        .sort((a, b) => b.time.updated - a.time.updated)
        .map((p) => p.worktree);
    } catch (error) {
      context
        .logger('bridge')
        .warn(`Could not list OpenCode's projects: ${toError(error).message}`);
    }
    const folders = [
      ...new Set([
        ...(context.settings.extraProjects ?? []),
        context.settings.defaultProject,
        ...known,
      ]),
    ];
    await offerChoices(context, place, {
      kind: 'project',
      payload: { folders },
      html: `Current project: <code>${escapeHtml(chat.directory)}</code>\nChoose a folder:`,
      choices: folders.slice(0, 30).map((folder) => ({
        label: `${path.basename(folder) || folder} — ${shortPath(folder)}`,
        current: folder === chat.directory,
      })),
    });
  };

  const choose = async (ctx: Context, press: ButtonPress): Promise<void> => {
    const folders = press.record.payload['folders'] as string[];
    const folder = listChoice(folders, press.arg);
    if (!folder) {
      await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
      return;
    }
    const place = placeOf(ctx);
    await context.chats.update(place, (c) => {
      if (c.directory !== folder) c.sessionId = undefined;
      c.directory = folder;
    });
    await context.buttons.revoke(press.token);
    await ctx.answerCallbackQuery({ text: `Project: ${path.basename(folder)}`.slice(0, 200) });
    context.logger('bridge').info(`Chat ${place.chatId} → project ${folder}`);
    context.statusChanged();
    const html = `📁 Now in <code>${escapeHtml(folder)}</code>. Send a message to start a new session here, or /sessions to continue one.`;
    if (!(await closeList(context, ctx, html))) await reply(context, place, html);
  };

  return {
    commands: [{ command: 'projects', description: 'Choose the project folder to work in' }],
    buttonKinds: ['project'],
    install(bot) {
      bot.command('projects', list);
    },
    onButton: choose,
  };
}

function shortPath(folder: string): string {
  const home = process.env['HOME'];
  const shown = home && folder.startsWith(home) ? `~${folder.slice(home.length)}` : folder;
  return shown.length > 40 ? `…${shown.slice(-39)}` : shown;
}
