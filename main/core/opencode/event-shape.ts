// The fields the bridge reads from each kind of OpenCode event. An event that lacks one (a newer or
// broken server) is skipped whole: half-applied, it would throw in the middle of a turn or leave a
// turn's state undefined for the next render to trip over.
import type { OpencodeEvent } from './types';

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isObject: Check = (v) => typeof v === 'object' && v !== null;
const isArray: Check = (v) => Array.isArray(v);
const isNumber: Check = (v) => typeof v === 'number';

const REQUIRED: Readonly<Record<string, ReadonlyArray<readonly [string, Check]>>> = {
  'session.status': [['status.type', isString]],
  'session.updated': [['info.id', isString]],
  'message.updated': [
    ['info.id', isString],
    ['info.role', isString],
    ['info.time.created', isNumber],
  ],
  'message.part.updated': [
    ['part.id', isString],
    ['part.type', isString],
    ['part.messageID', isString],
  ],
  'message.part.delta': [
    ['partID', isString],
    ['messageID', isString],
  ],
  'permission.asked': [
    ['id', isString],
    ['sessionID', isString],
  ],
  'permission.replied': [['requestID', isString]],
  'question.asked': [
    ['id', isString],
    ['sessionID', isString],
    ['questions', isArray],
  ],
  'question.replied': [['requestID', isString]],
  'question.rejected': [['requestID', isString]],
};

/** Parts are read by their type: text and reasoning for their text, tools for their state. */
const PART_REQUIRED: Readonly<Record<string, ReadonlyArray<readonly [string, Check]>>> = {
  text: [['part.text', isString]],
  reasoning: [['part.text', isString]],
  tool: [
    ['part.callID', isString],
    ['part.state.status', isString],
  ],
};

/** Assistant messages are summed up at the end of a turn: their cost and tokens must be there. */
const ASSISTANT_REQUIRED: ReadonlyArray<readonly [string, Check]> = [
  ['info.parentID', isString],
  ['info.cost', isNumber],
  ['info.tokens.input', isNumber],
  ['info.tokens.output', isNumber],
  ['info.tokens.reasoning', isNumber],
];

/** The first field (e.g. `part.id`) the bridge needs and the event lacks; undefined if none. */
export function missingField(event: OpencodeEvent): string | undefined {
  const missing = firstMissing(event.properties, REQUIRED[event.type]);
  if (missing) return missing;
  if (event.type === 'message.part.updated')
    return firstMissing(event.properties, PART_REQUIRED[event.properties.part.type]);
  if (event.type === 'message.updated' && event.properties.info.role === 'assistant')
    return firstMissing(event.properties, ASSISTANT_REQUIRED);
  return undefined;
}

function firstMissing(
  properties: unknown,
  required: ReadonlyArray<readonly [string, Check]> | undefined,
): string | undefined {
  for (const [path, check] of required ?? []) {
    let value: unknown = properties;
    for (const key of path.split('.')) {
      value = isObject(value) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (!check(value)) return path;
  }
  return undefined;
}
