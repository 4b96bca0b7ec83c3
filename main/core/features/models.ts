// /model and /agent: list what OpenCode offers and switch what the chat's next prompt uses.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import { callbackData, type ButtonPress } from '../interaction/buttons';
import { escapeHtml } from '../telegram/format';
import { NO_LONGER_VALID } from './permissions';
import { reply } from './prompt';

const MAX_CHOICES = 40;

export function modelsFeature(context: BridgeContext): Feature {
  const listModels = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    try {
      const info = await context.client.providers(chat.directory);
      const models = info.providers.flatMap((p) =>
        Object.values(p.models).map((m) => ({
          providerID: p.id,
          modelID: m.id,
          name: `${p.name} · ${m.name}`,
        })),
      );
      const choices = models.slice(0, MAX_CHOICES);
      const token = await context.buttons.register({
        kind: 'model',
        chatId: place.chatId,
        payload: { choices },
      });
      const current = chat.model
        ? `${chat.model.providerID}/${chat.model.modelID}`
        : 'OpenCode’s default';
      await reply(
        context,
        place,
        `Model for this chat: <b>${escapeHtml(current)}</b>\nChoose:`,
        undefined,
        {
          inline_keyboard: [
            ...choices.map((m, i) => [
              {
                text: `${chat.model?.providerID === m.providerID && chat.model.modelID === m.modelID ? '✓ ' : ''}${m.name}`,
                callback_data: callbackData(token, String(i)),
              },
            ]),
            [
              {
                text: `${chat.model ? '' : '✓ '}Default`,
                callback_data: callbackData(token, 'default'),
              },
            ],
          ],
        },
      );
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not list models: ${escapeHtml(toError(error).message)}`,
      );
    }
  };

  const listAgents = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    try {
      const agents = (await context.client.agents(chat.directory)).filter(
        (a) => a.mode !== 'subagent' && !a.hidden,
      );
      const names = agents.map((a) => a.name).slice(0, MAX_CHOICES);
      const token = await context.buttons.register({
        kind: 'agent',
        chatId: place.chatId,
        payload: { names },
      });
      await reply(
        context,
        place,
        `Agent for this chat: <b>${escapeHtml(chat.agent ?? 'default')}</b>\nChoose:`,
        undefined,
        {
          inline_keyboard: [
            ...agents.slice(0, MAX_CHOICES).map((a, i) => [
              {
                text: `${chat.agent === a.name ? '✓ ' : ''}${a.name}${a.description ? ` — ${a.description.slice(0, 40)}` : ''}`,
                callback_data: callbackData(token, String(i)),
              },
            ]),
            [
              {
                text: `${chat.agent ? '' : '✓ '}Default`,
                callback_data: callbackData(token, 'default'),
              },
            ],
          ],
        },
      );
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not list agents: ${escapeHtml(toError(error).message)}`,
      );
    }
  };

  const choose = async (ctx: Context, press: ButtonPress): Promise<void> => {
    const place = placeOf(ctx);
    let label: string;
    if (press.record.kind === 'model') {
      const choices = press.record.payload['choices'] as Array<{
        providerID: string;
        modelID: string;
      }>;
      const choice = press.arg === 'default' ? undefined : choices[Number(press.arg)];
      if (press.arg !== 'default' && !choice) {
        await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
        return;
      }
      await context.chats.update(place, (c) => {
        c.model = choice ? { providerID: choice.providerID, modelID: choice.modelID } : undefined;
      });
      label = choice ? `${choice.providerID}/${choice.modelID}` : 'default model';
    } else {
      const names = press.record.payload['names'] as string[];
      const name = press.arg === 'default' ? undefined : names[Number(press.arg)];
      if (press.arg !== 'default' && !name) {
        await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
        return;
      }
      await context.chats.update(place, (c) => {
        c.agent = name;
      });
      label = name ? `agent ${name}` : 'default agent';
    }
    await context.buttons.revoke(press.token);
    await ctx.answerCallbackQuery({ text: `Next prompts use the ${label}.`.slice(0, 200) });
    await reply(context, place, `✓ Next prompts use the <b>${escapeHtml(label)}</b>.`);
  };

  return {
    commands: [
      { command: 'model', description: 'List models and switch the one this chat uses' },
      { command: 'agent', description: 'List agents (build, plan…) and switch' },
    ],
    buttonKinds: ['model', 'agent'],
    install(bot) {
      bot.command('model', listModels);
      bot.command('agent', listAgents);
    },
    onButton: choose,
  };
}
