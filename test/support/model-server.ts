// Scripted OpenAI-compatible model server for driving the real `opencode serve` in tests.
//
// The scenario is chosen by `[[directive]]`s in the LAST user message of the conversation
// (OpenCode forwards the user's text as a text content part). Everything is deterministic so
// tests can assert exact output; see `expectedReply()` and the prompt builders below.
//
//   (no directive)                       → "You said: <text>" in a few chunks
//   [[stream chars=N tps=T md=1]]        → streamedText(N, {md}) at ≈T tokens/s (1 token ≈ 4 chars)
//   [[say:TEXT]]                         → exactly TEXT (TEXT must not contain "]]")
//   [[reason:THOUGHT]]                   → THOUGHT as `delta.reasoning_content`, then REASONED_REPLY
//   [[bash:COMMAND]]                     → tool call to `bash`, then "Ran COMMAND."
//   [[edit:PATH]]                        → tool call to `write` (EDIT_CONTENT), then "Edited PATH."
//   [[read:PATH]]                        → tool call to `read`, then "Read PATH."
//   [[question]] / [[question multiple=1]] → tool call to `question`, then "You chose X."
//   [[error:500]] / [[error:401 times=K]] → HTTP error (the first K calls only, then "Recovered after K errors.")
//   [[slow ms=200 secs=60]]              → one chunk every `ms` for `secs`, stops when the client goes away
//   [[title:TITLE]]                      → the title request answers TITLE instead of DEFAULT_TITLE
//
// Title requests (OpenCode's small_model "title generator" call) are detected by their system
// prompt and answered with DEFAULT_TITLE, so they never consume scenario state.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MODEL_ID = 'm1';
export const DEFAULT_TITLE = 'Test session';
export const EDIT_CONTENT = 'hello from the scripted model\n';
/** The answer text of a `[[reason:…]]` turn, after its reasoning. */
export const REASONED_REPLY = 'Answer after thinking.';

export interface QuestionSpec {
  question: string;
  header: string;
  options: { label: string; description: string }[];
  multiple?: boolean;
}

export const QUESTION_SINGLE: QuestionSpec = {
  question: 'Which color do you prefer?',
  header: 'Color',
  options: [
    { label: 'Red', description: 'The color red' },
    { label: 'Blue', description: 'The color blue' },
  ],
};

export const QUESTION_MULTI: QuestionSpec = {
  question: 'Which pets do you like?',
  header: 'Pets',
  options: [
    { label: 'Cats', description: 'Feline friends' },
    { label: 'Dogs', description: 'Canine companions' },
  ],
  multiple: true,
};

// ---------------------------------------------------------------------------------------------
// Prompt builders and expected output

export interface StreamOptions {
  /** Include Markdown (bold, inline code, a fenced code block). */
  md?: boolean;
}

export const prompts = {
  plain: (text: string): string => text,
  stream: (chars: number, opts: { tps?: number; md?: boolean } = {}): string =>
    `[[stream chars=${chars}${opts.tps !== undefined ? ` tps=${opts.tps}` : ''}${opts.md === true ? ' md=1' : ''}]]`,
  say: (text: string): string => `[[say:${text}]]`,
  reason: (thought: string): string => `[[reason:${thought}]]`,
  bash: (command: string): string => `[[bash:${command}]]`,
  edit: (path: string): string => `[[edit:${path}]]`,
  read: (path: string): string => `[[read:${path}]]`,
  question: (opts: { multiple?: boolean } = {}): string =>
    opts.multiple === true ? '[[question multiple=1]]' : '[[question]]',
  error: (status: number, opts: { times?: number } = {}): string =>
    `[[error:${status}${opts.times !== undefined ? ` times=${opts.times}` : ''}]]`,
  slow: (opts: { ms?: number; secs?: number } = {}): string =>
    `[[slow${opts.ms !== undefined ? ` ms=${opts.ms}` : ''}${opts.secs !== undefined ? ` secs=${opts.secs}` : ''}]]`,
};

const WORDS = (
  'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november ' +
  'oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'
).split(' ');

const MD_PREFIX =
  '**Streaming** test with `inline code` and a block:\n\n```ts\nconst answer = 42;\nconsole.log(answer);\n```\n\n';

/** The exact text that `[[stream chars=N …]]` produces (never starts or ends with whitespace). */
export function streamedText(chars: number, opts: StreamOptions = {}): string {
  let out = opts.md === true ? MD_PREFIX : '';
  let i = 0;
  while (out.length < chars) {
    const word = WORDS[i % WORDS.length] ?? 'word';
    i += 1;
    const sep = i % 40 === 0 ? '.\n\n' : i % 13 === 0 ? ', ' : ' ';
    out += word + sep;
  }
  const chars2 = out.slice(0, chars).split('');
  for (const idx of [0, chars2.length - 1]) {
    const c = chars2[idx];
    if (c !== undefined && /\s/.test(c)) chars2[idx] = '.';
  }
  return chars2.join('');
}

/** The reply text of a `[[question]]` turn, given the labels the user chose per question. */
export function questionReplyText(answers: string[][]): string {
  return `You chose ${answers.map((a) => (a.length === 0 ? 'nothing' : a.join(', '))).join('; ')}.`;
}

/**
 * The final assistant text for a prompt (for tool scenarios: the text after the tool ran;
 * for `question` pass the chosen labels). Error and slow scenarios have no fixed text.
 */
export function expectedReply(prompt: string, opts: { answers?: string[][] } = {}): string {
  const d = parseDirective(prompt);
  if (d === undefined) return `You said: ${prompt.trim()}`;
  switch (d.name) {
    case 'stream':
      return streamedText(num(d.opts['chars'], 200), { md: d.opts['md'] === '1' });
    case 'say':
      return d.arg;
    case 'reason':
      return REASONED_REPLY;
    case 'bash':
      return `Ran ${d.arg}.`;
    case 'edit':
      return `Edited ${d.arg}.`;
    case 'read':
      return `Read ${d.arg}.`;
    case 'question':
      return questionReplyText(opts.answers ?? []);
    case 'error':
      return `Recovered after ${num(d.opts['times'], Infinity)} errors.`;
    default:
      return `You said: ${prompt.trim()}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Directive parsing

export interface Directive {
  name: string;
  /** Raw text after `name:` up to `]]` (for say/bash/edit/read/error/title). */
  arg: string;
  opts: Record<string, string>;
}

const DIRECTIVE_RE = /\[\[([a-z]+)(:[\s\S]*?)?((?:\s+[a-z]+=[^\s\]]*)*)\s*\]\]/g;

export function parseDirectives(text: string): Directive[] {
  const out: Directive[] = [];
  for (const m of text.matchAll(DIRECTIVE_RE)) {
    const name = m[1] ?? '';
    let arg = (m[2] ?? '').slice(1);
    let optText = m[3] ?? '';
    // `[[error:500 times=2]]`: the lazy arg swallows nothing of the options, but for raw-arg
    // directives (say/bash) keep the text as-is.
    if (name === 'error') {
      const parts = arg.split(/\s+/);
      arg = parts[0] ?? '';
      optText += ' ' + parts.slice(1).join(' ');
    }
    const opts: Record<string, string> = {};
    for (const o of optText.matchAll(/([a-z]+)=([^\s\]]*)/g)) {
      if (o[1] !== undefined) opts[o[1]] = o[2] ?? '';
    }
    out.push({ name, arg, opts });
  }
  return out;
}

/** The first scenario directive (ignores `[[title:…]]`). */
export function parseDirective(text: string): Directive | undefined {
  return parseDirectives(text).find((d) => d.name !== 'title');
}

function num(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

// ---------------------------------------------------------------------------------------------
// OpenAI wire types (the subset we read)

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

interface ToolDef {
  type?: string;
  function?: { name?: string; parameters?: JsonSchema };
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}

interface ChatRequest {
  model?: string;
  stream?: boolean;
  messages?: ChatMessage[];
  tools?: ToolDef[];
}

export interface RecordedRequest {
  /** ms since the server started */
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** 'title' | 'models' | scenario name ('plain', 'stream', 'bash', …) | 'other' */
  kind: string;
  /** text of the last user message, if any */
  userText?: string;
  /** what we answered: 'text' | 'tool_call:<tool>' | 'error:<status>' | 'aborted' */
  outcome?: string;
  /** Answer text chunks as written: epoch ms and the answer's length so far (for benchmarks). */
  emitted?: { at: number; chars: number }[];
}

export interface ModelServer {
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Only chat-completion requests that are not title requests. */
  chatRequests(): RecordedRequest[];
  close(): Promise<void>;
}

export interface ModelServerOptions {
  port?: number;
  /** Delay before the first chunk of every streamed answer (ms). */
  firstChunkDelayMs?: number;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: unknown) => {
        if (typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'text') {
          const t = (p as { text?: unknown }).text;
          return typeof t === 'string' ? t : '';
        }
        return '';
      })
      .filter((t) => t !== '')
      .join('\n');
  }
  return '';
}

function isTitleRequest(req: ChatRequest): boolean {
  const system = (req.messages ?? [])
    .filter((m) => m.role === 'system')
    .map((m) => contentText(m.content))
    .join('\n');
  return /title generator|generate a (short )?title|thread title/i.test(system);
}

/** OpenCode's system prompt has `<env> Working directory: /abs/path`; tools want absolute paths. */
function workdir(req: ChatRequest): string | undefined {
  for (const m of req.messages ?? []) {
    if (m.role !== 'system') continue;
    const hit = /Working directory:\s*(\S+)/.exec(contentText(m.content));
    if (hit?.[1] !== undefined) return hit[1];
  }
  return undefined;
}

function absPath(p: string, cwd: string | undefined): string {
  if (p.startsWith('/') || cwd === undefined) return p;
  return `${cwd.replace(/\/$/, '')}/${p.replace(/^\.\//, '')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function redactHeaders(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = /authorization|api-key|cookie/i.test(k) ? '[redacted]' : String(v);
  }
  return out;
}

/** Build valid arguments for a tool from its JSON schema and the values we know. */
function buildArgs(
  tools: ToolDef[],
  name: string,
  known: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const def = tools.find((t) => t.function?.name === name);
  if (def === undefined) return undefined;
  const schema = def.function?.parameters ?? {};
  const props = schema.properties ?? {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(known)) if (k in props) args[k] = v;
  for (const req of schema.required ?? []) {
    if (req in args) continue;
    const t = props[req]?.type;
    args[req] =
      t === 'number' || t === 'integer' ? 0 : t === 'boolean' ? false : t === 'array' ? [] : '';
  }
  return args;
}

interface Plan {
  kind: string;
  status?: number;
  errorBody?: unknown;
  text?: string;
  /** Streamed as `delta.reasoning_content` before the text. */
  reasoning?: string;
  toolCall?: { name: string; args: Record<string, unknown> };
  /** chars per chunk and ms between chunks */
  chunkChars: number;
  intervalMs: number;
  slow?: { ms: number; secs: number };
}

export async function startModelServer(opts: ModelServerOptions = {}): Promise<ModelServer> {
  const started = Date.now();
  const requests: RecordedRequest[] = [];
  const errorCounts = new Map<string, number>();
  let callSeq = 0;

  function plan(req: ChatRequest, rec: RecordedRequest): Plan {
    const messages = req.messages ?? [];
    const tools = req.tools ?? [];
    let lastUser = -1;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]?.role === 'user') {
        lastUser = i;
        break;
      }
    }
    const userText = lastUser >= 0 ? contentText(messages[lastUser]?.content) : '';
    rec.userText = userText;

    if (isTitleRequest(req)) {
      // The title request repeats the user's text, which may carry [[title:…]].
      const all = messages.map((m) => contentText(m.content)).join('\n');
      const t = parseDirectives(all).find((d) => d.name === 'title');
      const title = t !== undefined && t.arg !== '' ? t.arg : DEFAULT_TITLE;
      return { kind: 'title', text: title, chunkChars: 64, intervalMs: 0 };
    }

    const after = messages.slice(lastUser + 1);
    const toolResults = after.filter((m) => m.role === 'tool');
    const lastTool = toolResults[toolResults.length - 1];
    const lastToolText = lastTool !== undefined ? contentText(lastTool.content) : '';
    const d = parseDirective(userText);
    const fast = { chunkChars: 8, intervalMs: 5 };

    const toolStep = (
      tool: string,
      known: Record<string, unknown>,
      done: string,
      kind: string,
    ): Plan => {
      if (toolResults.length > 0) {
        return { kind, text: done, ...fast };
      }
      const args = buildArgs(tools, tool, known);
      if (args === undefined) {
        return { kind, text: `Tool ${tool} is not available.`, ...fast };
      }
      return { kind, toolCall: { name: tool, args }, ...fast };
    };

    if (d === undefined) {
      return { kind: 'plain', text: `You said: ${userText.trim()}`, ...fast };
    }
    switch (d.name) {
      case 'stream': {
        const chars = num(d.opts['chars'], 200);
        const tps = Math.max(0.1, num(d.opts['tps'], 50));
        const tickMs = Math.max(20, 1000 / tps);
        const chunkChars = Math.max(1, Math.round((4 * tps * tickMs) / 1000));
        return {
          kind: 'stream',
          text: streamedText(chars, { md: d.opts['md'] === '1' }),
          chunkChars,
          intervalMs: tickMs,
        };
      }
      case 'say':
        return { kind: 'say', text: d.arg, ...fast };
      case 'reason':
        return { kind: 'reason', reasoning: d.arg, text: REASONED_REPLY, ...fast };
      case 'bash':
        return toolStep(
          'bash',
          { command: d.arg, description: `Run ${d.arg}` },
          `Ran ${d.arg}.`,
          'bash',
        );
      case 'edit':
        return toolStep(
          'write',
          { filePath: absPath(d.arg, workdir(req)), content: EDIT_CONTENT },
          `Edited ${d.arg}.`,
          'edit',
        );
      case 'read':
        return toolStep(
          'read',
          { filePath: absPath(d.arg, workdir(req)) },
          `Read ${d.arg}.`,
          'read',
        );
      case 'question': {
        const qs =
          d.opts['multiple'] === '1' ? [QUESTION_SINGLE, QUESTION_MULTI] : [QUESTION_SINGLE];
        const answers = qs.map((q) => parseAnswer(lastToolText, q));
        return toolStep('question', { questions: qs }, questionReplyText(answers), 'question');
      }
      case 'error': {
        const status = num(d.arg, 500);
        const times = num(d.opts['times'], Infinity);
        const key = `${userText}#${lastUser}`;
        const n = errorCounts.get(key) ?? 0;
        if (n < times) {
          errorCounts.set(key, n + 1);
          return {
            kind: 'error',
            status,
            errorBody: {
              error: {
                message: status === 401 ? 'Invalid API key (scripted)' : `Scripted error ${status}`,
                type: status === 401 ? 'invalid_request_error' : 'server_error',
                code: status === 401 ? 'invalid_api_key' : status,
              },
            },
            chunkChars: 8,
            intervalMs: 0,
          };
        }
        return { kind: 'error', text: `Recovered after ${times} errors.`, ...fast };
      }
      case 'slow': {
        const ms = num(d.opts['ms'], 200);
        const secs = num(d.opts['secs'], 60);
        return { kind: 'slow', slow: { ms, secs }, chunkChars: 8, intervalMs: ms };
      }
      default:
        return { kind: 'plain', text: `You said: ${userText.trim()}`, ...fast };
    }
  }

  async function respondChat(
    req: ChatRequest,
    rec: RecordedRequest,
    res: ServerResponse,
    gone: () => boolean,
  ): Promise<void> {
    const p = plan(req, rec);
    rec.kind = p.kind;
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = req.model ?? MODEL_ID;
    const promptTokens = Math.ceil(JSON.stringify(req.messages ?? []).length / 4);

    if (p.status !== undefined) {
      rec.outcome = `error:${p.status}`;
      res.writeHead(p.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(p.errorBody));
      return;
    }

    const toolCall =
      p.toolCall !== undefined
        ? {
            id: `call_${String(++callSeq).padStart(4, '0')}`,
            name: p.toolCall.name,
            args: JSON.stringify(p.toolCall.args),
          }
        : undefined;
    rec.outcome = toolCall !== undefined ? `tool_call:${toolCall.name}` : 'text';
    const finishReason = toolCall !== undefined ? 'tool_calls' : 'stop';

    if (req.stream !== true) {
      const text = p.text ?? '';
      const completion = Math.ceil((text.length + (toolCall?.args.length ?? 0)) / 4);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: toolCall !== undefined ? null : text,
                ...(toolCall !== undefined
                  ? {
                      tool_calls: [
                        {
                          id: toolCall.id,
                          type: 'function',
                          function: { name: toolCall.name, arguments: toolCall.args },
                        },
                      ],
                    }
                  : {}),
              },
              finish_reason: finishReason,
            },
          ],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: completion,
            total_tokens: promptTokens + completion,
          },
        }),
      );
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (delta: Record<string, unknown>, finish: string | null, usage?: unknown): void => {
      res.write(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta, finish_reason: finish }],
          ...(usage !== undefined ? { usage } : {}),
        })}\n\n`,
      );
    };
    if (opts.firstChunkDelayMs !== undefined) await sleep(opts.firstChunkDelayMs);
    if (gone()) return;
    send({ role: 'assistant', content: '' }, null);
    let completionChars = 0;

    if (p.slow !== undefined) {
      const end = Date.now() + p.slow.secs * 1000;
      let i = 0;
      while (Date.now() < end) {
        await sleep(p.slow.ms);
        if (gone()) {
          rec.outcome = 'aborted';
          return;
        }
        const piece = `tick ${++i} `;
        completionChars += piece.length;
        send({ content: piece }, null);
      }
      send({ content: 'done.' }, null);
      completionChars += 5;
    } else if (toolCall !== undefined) {
      send(
        {
          tool_calls: [
            {
              index: 0,
              id: toolCall.id,
              type: 'function',
              function: { name: toolCall.name, arguments: '' },
            },
          ],
        },
        null,
      );
      for (let i = 0; i < toolCall.args.length; i += 16) {
        await sleep(2);
        if (gone()) return;
        send(
          { tool_calls: [{ index: 0, function: { arguments: toolCall.args.slice(i, i + 16) } }] },
          null,
        );
      }
      completionChars = toolCall.args.length;
    } else {
      const reasoning = p.reasoning ?? '';
      for (let i = 0; i < reasoning.length; i += p.chunkChars) {
        if (i > 0 && p.intervalMs > 0) await sleep(p.intervalMs);
        if (gone()) return;
        send({ reasoning_content: reasoning.slice(i, i + p.chunkChars) }, null);
      }
      completionChars += reasoning.length;
      const text = p.text ?? '';
      for (let i = 0; i < text.length; i += p.chunkChars) {
        if (i > 0 && p.intervalMs > 0) await sleep(p.intervalMs);
        if (gone()) {
          rec.outcome = 'aborted';
          return;
        }
        send({ content: text.slice(i, i + p.chunkChars) }, null);
        (rec.emitted ??= []).push({
          at: Date.now(),
          chars: Math.min(text.length, i + p.chunkChars),
        });
      }
      completionChars += text.length;
    }
    const completionTokens = Math.ceil(completionChars / 4);
    send({}, finishReason, {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    });
    res.write('data: [DONE]\n\n');
    res.end();
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        // keep raw text
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const rec: RecordedRequest = {
        at: Date.now() - started,
        method: req.method ?? 'GET',
        path,
        headers: redactHeaders(req.headers),
        body,
        kind: 'other',
      };
      requests.push(rec);
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      if (req.method === 'GET' && /\/models$/.test(path)) {
        rec.kind = 'models';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: [{ id: MODEL_ID, object: 'model', created: 0, owned_by: 'scripted' }],
          }),
        );
        return;
      }
      if (req.method === 'POST' && /\/chat\/completions$/.test(path)) {
        respondChat((body ?? {}) as ChatRequest, rec, res, () => closed).catch((err: unknown) => {
          rec.outcome = `crash:${String(err)}`;
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chatRequests: () =>
      requests.filter((r) => r.path.endsWith('/chat/completions') && r.kind !== 'title'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Pull the chosen labels for one question out of the question tool's output text. */
function parseAnswer(output: string, q: QuestionSpec): string[] {
  if (output === '') return [];
  const esc = q.question.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`"${esc}"\\s*=\\s*"([^"]*)"`).exec(output);
  const scope = m?.[1] ?? output;
  return q.options.map((o) => o.label).filter((l) => new RegExp(`\\b${l}\\b`).test(scope));
}
