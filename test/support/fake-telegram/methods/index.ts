// The method table. Names are matched case-insensitively, as the Bot API does.
import type { MethodHandler } from '../context';
import { getChat, getChatMember, getMe } from './bot-info';
import { answerCallbackQuery } from './callbacks';
import { deleteMyCommands, getMyCommands, setMyCommands } from './commands';
import { getFile, sendDocument, sendPhoto } from './files';
import {
  closeForumTopic,
  createForumTopic,
  deleteForumTopic,
  editForumTopic,
  reopenForumTopic,
} from './forum';
import {
  deleteMessage,
  editMessageReplyMarkup,
  editMessageText,
  sendChatAction,
  sendMessage,
} from './messages';
import { leaveChat } from './membership';
import { withRichMethods } from './rich-methods';
import { deleteWebhook, getUpdates, getWebhookInfo } from './updates';

const HANDLERS: Record<string, MethodHandler> = {
  getMe,
  getChat,
  getChatMember,
  leaveChat,
  getUpdates,
  getWebhookInfo,
  deleteWebhook,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  sendMessage,
  editMessageText,
  editMessageReplyMarkup,
  deleteMessage,
  sendChatAction,
  answerCallbackQuery,
  sendDocument,
  sendPhoto,
  getFile,
  createForumTopic,
  editForumTopic,
  closeForumTopic,
  reopenForumTopic,
  deleteForumTopic,
};

const BY_LOWER_NAME = new Map(
  Object.entries(withRichMethods(HANDLERS)).map(([name, handler]) => [
    name.toLowerCase(),
    { name, handler },
  ]),
);

export function findMethod(name: string): { name: string; handler: MethodHandler } | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/**
 * The calls Telegram's flood limits count: sending a message and editing one ("no more than one
 * message per second" in a chat, "no more than 20 messages per minute in the same group" — the
 * Bot API FAQ; editing counts like sending, as bots in busy groups find out). Managing topics,
 * deleting messages, chat actions and callback answers put no message in the chat and are not
 * counted. A call refused with an error sent nothing and is not counted either (see server.ts).
 */
export const RATE_LIMITED_METHODS = new Set([
  'sendMessage',
  'sendRichMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'sendDocument',
  'sendPhoto',
]);
