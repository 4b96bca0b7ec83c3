// The features the bridge is made of, composed in their order, and how an admitted update reaches
// them: a button press goes to the feature owning its kind; typed text (or a voice note's
// transcript) to the first feature that takes it, else it becomes a prompt with the files waiting.
import type { Bot, Context } from 'grammy';
import { createAway } from './away/away-router';
import type { Presence } from './away/presence';
import type { BridgeContext, CommandInfo, Feature } from './context';
import { placeOf } from './context';
import { toError } from './errors';
import { deskSessionsFeature } from './features/desk-sessions';
import { diffFeature } from './features/diff';
import { filesFeature } from './features/files';
import { helpFeature, reasoningFeature } from './features/help';
import { modelsFeature } from './features/models';
import { NO_LONGER_VALID, permissionsFeature } from './features/permissions';
import { projectsFeature } from './features/projects';
import { reply, sendPrompt } from './features/prompt';
import { questionsFeature } from './features/questions';
import { sessionsFeature } from './features/sessions';
import { staleFeature } from './features/stale';
import { stopDraftFeature } from './features/stop-draft';
import { topicsFeature } from './features/topics';
import { voiceFeature, type UserTextHandler } from './features/voice';
import { commandWordOf } from './telegram/commands';
import { escapeHtml } from './telegram/format';
import type { Place } from './telegram/messenger';

export interface FeatureSet {
  features: Feature[];
  /** The command menu and /help, in order. */
  commands: () => CommandInfo[];
}

/** Builds the features, installs their handlers on the bot and routes presses and text to them. */
export function installFeatures(
  bot: Bot,
  context: BridgeContext,
  presence: Presence | undefined,
): FeatureSet {
  let features: Feature[] = [];
  const commands = (): CommandInfo[] => features.flatMap((f) => f.commands ?? []);

  /** A typed message: an answer to an open question, else a prompt with the files waiting. */
  const runText = async (ctx: Context, place: Place, text: string, replyTo?: number) => {
    for (const feature of features) {
      if (await feature.onText?.(ctx, place, text)) return;
    }
    await promptWithFiles(ctx, place, text, replyTo);
  };
  const promptWithFiles = (ctx: Context, place: Place, text: string, replyTo?: number) =>
    files.sendWith(place, (waiting) =>
      sendPrompt(
        context,
        place,
        [...waiting, { type: 'text', text }],
        replyTo,
        ctx.update.update_id,
      ),
    );
  const stale = staleFeature(context, (ctx, place, held) =>
    held.kind === 'caption'
      ? promptWithFiles(ctx, place, held.text, held.messageId)
      : runText(ctx, place, held.text, held.messageId),
  );
  const files = filesFeature(context, {
    holdIfStale: (place, held, sentAt) => stale.holdIfStale(place, held, sentAt),
  });
  const desk = deskSessionsFeature(context, createAway(context, presence));
  // Typed text and a voice note's transcript take this one path.
  const handleUserText: UserTextHandler = async (ctx, place, text, messageId, sentAt) => {
    // Before anything acts on it: a typed answer that waited as long is held too.
    if (
      messageId !== undefined &&
      (await stale.holdIfStale(place, { kind: 'text', text, messageId }, sentAt))
    )
      return;
    await runText(ctx, place, text, messageId);
  };
  features = [
    desk.listener,
    stale,
    topicsFeature(context),
    stopDraftFeature(context),
    sessionsFeature(context),
    projectsFeature(context),
    modelsFeature(context),
    diffFeature(context),
    reasoningFeature(context),
    permissionsFeature(context),
    questionsFeature(context),
    files,
    desk.feature,
    voiceFeature(context, handleUserText),
  ];
  features.push(helpFeature(context, commands));
  for (const feature of features) feature.install?.(bot);

  bot.on('callback_query:data', async (ctx) => {
    const press = context.buttons.resolve(ctx.callbackQuery.data, ctx.chat?.id);
    const feature = press && features.find((f) => f.buttonKinds?.includes(press.record.kind));
    if (!press || !feature?.onButton) {
      await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
      return;
    }
    await feature.onButton(ctx, press);
  });

  bot.on('message:text', async (ctx: Context) => {
    const text = ctx.msg?.text ?? '';
    const place = placeOf(ctx);
    const messageId = ctx.msg?.message_id;
    const word = commandWordOf(text, ctx.msg?.entities, ctx.me.username);
    // In a group, `/cmd@otherbot` is another bot's business: no answer at all.
    if (word.kind === 'other-bot') return;
    if (word.kind === 'ours') {
      await reply(
        context,
        place,
        `Unknown command ${escapeHtml(word.command)}. /help lists what I understand.`,
        messageId,
      );
      return;
    }
    await handleUserText(ctx, place, text, messageId, ctx.msg?.date ?? 0);
  });

  const tgLog = context.logger('telegram');
  bot.catch((error) => tgLog.error(`Handling an update failed: ${toError(error.error).message}`));
  return { features, commands };
}
