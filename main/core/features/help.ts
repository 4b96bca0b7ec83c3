// /help and /start, built from every feature's commands so the list never drifts; /reasoning.
import type { Context } from 'grammy';
import type { BridgeContext, CommandInfo, Feature } from '../context';
import { placeOf } from '../context';
import { escapeHtml } from '../telegram/format';
import { reply } from './prompt';

export function reasoningFeature(context: BridgeContext): Feature {
  return {
    commands: [
      {
        command: 'reasoning',
        description: 'Show or hide the agent’s reasoning: /reasoning on|off',
      },
    ],
    install(bot) {
      bot.command('reasoning', async (ctx: Context) => {
        const place = placeOf(ctx);
        const arg = typeof ctx.match === 'string' ? ctx.match.trim().toLowerCase() : '';
        const current = context.chats.get(place).showReasoning === true;
        const next = arg === 'on' ? true : arg === 'off' ? false : !current;
        await context.chats.update(place, (c) => {
          c.showReasoning = next;
        });
        await reply(
          context,
          place,
          next ? '💭 Reasoning is shown in this chat.' : '💭 Reasoning is hidden in this chat.',
        );
      });
    },
  };
}

export function helpFeature(context: BridgeContext, commands: () => CommandInfo[]): Feature {
  const help = async (ctx: Context): Promise<void> => {
    const lines = [
      '<b>OpenCode Bridge</b>: send a message and the agent on your computer works on it; its answer streams here.',
      'Photos and documents go with your next message (a caption sends them at once).',
      'Voice notes are transcribed and sent like typed text (when a transcription service is set up).',
      '',
      ...commands().map((c) => `/${c.command} — ${escapeHtml(c.description)}`),
    ];
    await reply(context, placeOf(ctx), lines.join('\n'));
  };
  return {
    commands: [{ command: 'help', description: 'What this bot does and its commands' }],
    install(bot) {
      bot.command(['help', 'start'], help);
    },
  };
}
