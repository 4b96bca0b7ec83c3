// /model and /agent: list what OpenCode offers and switch what the chat's next prompt uses.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import type { ButtonPress } from '../interaction/buttons';
import { DEFAULT_ARG, listChoice } from '../interaction/choices';
import { escapeHtml } from '../telegram/format';
import { NO_LONGER_VALID } from './permissions';
import { reply } from './prompt';
import { closeList, offerChoices } from './choice-list';

const MAX_CHOICES = 40;

/** OpenCode's configured default model (`model` in its config), else the first provider default. */
async function defaultModel(
  context: BridgeContext,
  directory: string,
): Promise<{ providerID: string; modelID: string } | undefined> {
  const configured = parseModel(await context.client.configuredModel(directory));
  if (configured) return configured;
  const [providerID, modelID] = Object.entries(
    (await context.client.providers(directory)).default,
  )[0] ?? [undefined, undefined];
  return providerID && modelID ? { providerID, modelID } : undefined;
}

/** "provider/model" (the model id itself may contain slashes). */
export function parseModel(
  value: string | undefined,
): { providerID: string; modelID: string } | undefined {
  const slash = value?.indexOf('/') ?? -1;
  if (!value || slash <= 0 || slash === value.length - 1) return undefined;
  return { providerID: value.slice(0, slash), modelID: value.slice(slash + 1) };
}

export function modelsFeature(context: BridgeContext): Feature {
  const listModels = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    try {
      const [info, fallback] = await Promise.all([
        context.client.providers(chat.directory),
        defaultModel(context, chat.directory).catch(() => undefined),
      ]);
      const models = info.providers.flatMap((p) =>
        Object.values(p.models).map((m) => ({
          providerID: p.id,
          modelID: m.id,
          name: `${p.name} · ${m.name}`,
        })),
      );
      const choices = models.slice(0, MAX_CHOICES);
      const current = chat.model
        ? `${chat.model.providerID}/${chat.model.modelID}`
        : 'OpenCode’s default';
      await offerChoices(context, place, {
        kind: 'model',
        payload: { choices },
        html: `Model for this chat: <b>${escapeHtml(current)}</b>\nChoose:`,
        choices: choices.map((m) => ({
          label: m.name,
          current: chat.model?.providerID === m.providerID && chat.model.modelID === m.modelID,
        })),
        defaultChoice: {
          label: `Default${fallback ? ` (${fallback.providerID}/${fallback.modelID})` : ''}`,
          current: !chat.model,
        },
      });
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
      await offerChoices(context, place, {
        kind: 'agent',
        payload: { names },
        html: `Agent for this chat: <b>${escapeHtml(chat.agent ?? 'default')}</b>\nChoose:`,
        choices: agents.slice(0, MAX_CHOICES).map((a) => ({
          label: `${a.name}${a.description ? ` — ${a.description.slice(0, 40)}` : ''}`,
          current: chat.agent === a.name,
        })),
        defaultChoice: { label: 'Default', current: !chat.agent },
      });
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
      let choice = press.arg === DEFAULT_ARG ? undefined : listChoice(choices, press.arg);
      if (press.arg !== 'default' && !choice) {
        await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
        return;
      }
      // A prompt without a model keeps the session's last one, so "Default" has to name
      // OpenCode's configured default explicitly to switch back to it.
      if (press.arg === DEFAULT_ARG) {
        choice = await defaultModel(context, context.chats.get(place).directory).catch(
          () => undefined,
        );
      }
      await context.chats.update(place, (c) => {
        c.model = choice ? { providerID: choice.providerID, modelID: choice.modelID } : undefined;
      });
      label = choice ? `${choice.providerID}/${choice.modelID}` : 'default model';
    } else {
      const names = press.record.payload['names'] as string[];
      const name = press.arg === DEFAULT_ARG ? undefined : listChoice(names, press.arg);
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
    const html = `✓ Next prompts use the <b>${escapeHtml(label)}</b>.`;
    if (!(await closeList(context, ctx, html))) await reply(context, place, html);
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
