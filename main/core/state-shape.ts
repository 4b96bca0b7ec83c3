// Checks that a parsed state file has the shape the bridge relies on. A file that is valid JSON but
// the wrong shape (`[]`, `{"chats": 5}`) would otherwise crash the bridge later with a TypeError.
// Missing collections get their empty default (an older file); a field of the wrong type makes the
// whole file damaged: guessing which half of a record to trust could send a prompt to the wrong
// session. Fields this version does not know are kept as they are, so a newer file loses nothing.
import type { PersistedState } from './state-store';

/** Thrown for a state file of the wrong shape; the message says where. */
export class StateShapeError extends Error {}

type Json = Record<string, unknown>;
type Check = (value: unknown, where: string) => void;

const fail = (where: string, expected: string): never => {
  throw new StateShapeError(`${where} is not ${expected}`);
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const object = (value: unknown, where: string): Json =>
  isObject(value) ? value : fail(where, 'an object');

/** A check that `value` satisfies `test`, described as `expected` when it does not. */
const is =
  (test: (value: unknown) => boolean, expected: string): Check =>
  (v, w) => {
    if (!test(v)) fail(w, expected);
  };
const num = is((v) => typeof v === 'number' && Number.isFinite(v), 'a number');
const str = is((v) => typeof v === 'string', 'a string');
const bool = is((v) => typeof v === 'boolean', 'true or false');
const optional =
  (check: Check): Check =>
  (v, w) => {
    if (v !== undefined) check(v, w);
  };
const arrayOf =
  (check: Check): Check =>
  (v, w) => {
    if (!Array.isArray(v)) fail(w, 'a list');
    (v as unknown[]).forEach((item, i) => check(item, `${w}[${i}]`));
  };
const oneOf = (...allowed: string[]): Check =>
  is((v) => allowed.includes(v as string), allowed.map((a) => `"${a}"`).join(' or '));
/** An object whose listed fields pass their checks; other fields are left alone. */
const shape =
  (fields: Record<string, Check>): Check =>
  (v, w) => {
    const o = object(v, w);
    for (const [name, check] of Object.entries(fields)) check(o[name], `${w}.${name}`);
  };
const recordOf =
  (check: Check): Check =>
  (v, w) => {
    for (const [key, item] of Object.entries(object(v, w))) check(item, `${w}["${key}"]`);
  };

const chat = shape({
  chatId: num,
  threadId: optional(num),
  directory: str,
  sessionId: optional(str),
  model: optional(shape({ providerID: str, modelID: str })),
  agent: optional(str),
  showReasoning: optional(bool),
  topicName: optional(str),
  notify: optional(oneOf('all', 'prompts', 'off')),
});
const button = shape({
  kind: str,
  chatId: num,
  payload: shape({}),
  createdAt: num,
  chatIds: optional(arrayOf(num)),
});
const prompt = shape({
  kind: oneOf('permission', 'question'),
  requestId: str,
  sessionId: str,
  chatId: num,
  threadId: optional(num),
  messageId: num,
  token: str,
  html: str,
  answers: optional(arrayOf(arrayOf(str))),
  current: optional(num),
  header: optional(str),
  copies: optional(arrayOf(shape({ chatId: num, threadId: optional(num), messageId: num }))),
});
const turn = shape({
  sessionId: str,
  chatId: num,
  threadId: optional(num),
  messageId: num,
  startedAt: num,
  replyTo: optional(num),
});
const stashedFile = shape({ fileId: str, filename: str, mime: str });

const collections = {
  chats: recordOf(chat),
  buttons: recordOf(button),
  prompts: recordOf(prompt),
  turns: recordOf(turn),
  stashedFiles: recordOf(arrayOf(stashedFile)),
  handledUpdates: arrayOf(num),
  privateChats: arrayOf(num),
} satisfies Record<string, Check>;

/** The collections that are lists; the others are records. */
const LISTS = ['handledUpdates', 'privateChats'];

/**
 * The state in `value` (already JSON-parsed), with empty defaults for what an older file lacks.
 * Throws StateShapeError when anything present has the wrong type.
 */
export function parseState(value: unknown): PersistedState {
  const root = object(value, 'the file');
  if (root['version'] !== undefined && root['version'] !== 1) {
    fail('version', '1 (a newer bridge may have written this file)');
  }
  optional(num)(root['telegramOffset'], 'telegramOffset');
  const state: Json = { ...root, version: 1 };
  for (const [name, check] of Object.entries(collections)) {
    if (root[name] === undefined) state[name] = LISTS.includes(name) ? [] : {};
    else check(root[name], name);
  }
  return state as unknown as PersistedState;
}
