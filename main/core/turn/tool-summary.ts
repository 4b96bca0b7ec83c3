// Condenses a turn's tool calls into one line a phone can show: "read 3 files · edited bot.ts ·
// ran npm test ✗". Pure.
import path from 'node:path';

export interface ToolCall {
  tool: string;
  status: 'pending' | 'running' | 'completed' | 'error';
  input: Record<string, unknown>;
  title?: string | undefined;
}

interface Activity {
  verb: string;
  /** What the verb acted on, deduplicated; shown by name when there is one, else counted. */
  objects: string[];
  noun: [singular: string, plural: string];
  failed: boolean;
  running: boolean;
}

const MAX_LINE = 300;

export function summarizeTools(calls: readonly ToolCall[]): string {
  const activities = new Map<string, Activity>();
  for (const call of calls) {
    const { verb, object, noun } = describe(call);
    let activity = activities.get(verb);
    if (!activity) {
      activity = { verb, objects: [], noun, failed: false, running: false };
      activities.set(verb, activity);
    }
    if (object && !activity.objects.includes(object)) activity.objects.push(object);
    if (call.status === 'error') activity.failed = true;
    if (call.status === 'running' || call.status === 'pending') activity.running = true;
  }
  const pieces = [...activities.values()].map(render);
  const line = pieces.join(' · ');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

function render(a: Activity): string {
  let text: string;
  if (a.objects.length === 1) text = `${a.verb} ${a.objects[0]}`;
  else if (a.objects.length > 1) text = `${a.verb} ${a.objects.length} ${a.noun[1]}`;
  else text = a.verb;
  if (a.failed) text += ' ✗';
  else if (a.running) text += '…';
  return text;
}

function str(input: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = input[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

function fileName(p: string | undefined): string | undefined {
  return p ? path.basename(p) : undefined;
}

function shorten(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function describe(call: ToolCall): {
  verb: string;
  object?: string | undefined;
  noun: [string, string];
} {
  const input = call.input;
  const files: [string, string] = ['file', 'files'];
  switch (call.tool) {
    case 'read':
      return { verb: 'read', object: fileName(str(input, 'filePath', 'path')), noun: files };
    case 'edit':
    case 'write':
    case 'multiedit':
    case 'patch':
    case 'apply_patch':
      return { verb: 'edited', object: fileName(str(input, 'filePath', 'path')), noun: files };
    case 'bash': {
      const command = str(input, 'command');
      return {
        verb: 'ran',
        object: command ? shorten(command) : undefined,
        noun: ['command', 'commands'],
      };
    }
    case 'glob':
    case 'grep':
    case 'list':
    case 'codesearch':
      return { verb: 'searched', object: undefined, noun: ['time', 'times'] };
    case 'webfetch':
    case 'websearch':
      return { verb: 'browsed', object: hostOf(str(input, 'url')), noun: ['page', 'pages'] };
    case 'task':
      return {
        verb: 'delegated',
        object: shorten(str(input, 'description') ?? 'a subtask'),
        noun: ['task', 'tasks'],
      };
    case 'todowrite':
    case 'todoread':
      return { verb: 'updated the plan', object: undefined, noun: ['plan', 'plans'] };
    case 'question':
      return { verb: 'asked you', object: undefined, noun: ['question', 'questions'] };
    default:
      return { verb: `used ${call.tool}`, object: undefined, noun: ['time', 'times'] };
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return shorten(url);
  }
}
