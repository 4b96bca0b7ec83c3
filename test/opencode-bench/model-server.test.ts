// The scripted model server on its own (no OpenCode): wire format and determinism.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectedReply,
  parseDirective,
  prompts,
  questionReplyText,
  startModelServer,
  streamedText,
} from '../support/model-server';
import type { ModelServer } from '../support/model-server';

const BASH_TOOL = {
  type: 'function',
  function: {
    name: 'bash',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string' }, timeout: { type: 'integer' } },
      required: ['command'],
    },
  },
};

async function sse(
  ms: ModelServer,
  body: unknown,
): Promise<{ chunks: Record<string, unknown>[]; done: boolean }> {
  const r = await fetch(`${ms.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.headers.get('content-type')).toContain('text/event-stream');
  const text = await r.text();
  const datas = text
    .split('\n\n')
    .map((b) => b.replace(/^data: /, '').trim())
    .filter((b) => b !== '');
  const done = datas.at(-1) === '[DONE]';
  return {
    chunks: datas
      .filter((d) => d !== '[DONE]')
      .map((d) => JSON.parse(d) as Record<string, unknown>),
    done,
  };
}

function contentOf(chunks: Record<string, unknown>[]): string {
  return chunks
    .map((c) => (c['choices'] as { delta: { content?: string } }[])[0]?.delta.content ?? '')
    .join('');
}

describe('model server', () => {
  let ms: ModelServer;
  beforeAll(async () => {
    ms = await startModelServer();
  });
  afterAll(async () => {
    await ms.close();
  });

  it('streamedText has the exact length and no outer whitespace', () => {
    for (const n of [1, 7, 50, 333, 2000]) {
      for (const md of [false, true]) {
        const t = streamedText(n, { md });
        expect(t).toHaveLength(n);
        expect(t.trim()).toBe(t);
      }
    }
    expect(streamedText(200, { md: true })).toContain('```ts');
    expect(streamedText(200, { md: true })).toContain('**Streaming**');
  });

  it('parses directives', () => {
    expect(parseDirective('[[say:a <b> & `c` 👋]]')).toMatchObject({
      name: 'say',
      arg: 'a <b> & `c` 👋',
    });
    expect(parseDirective(prompts.stream(10, { tps: 5, md: true }))).toMatchObject({
      name: 'stream',
      opts: { chars: '10', tps: '5', md: '1' },
    });
    expect(parseDirective(prompts.error(500, { times: 2 }))).toMatchObject({
      name: 'error',
      arg: '500',
      opts: { times: '2' },
    });
    expect(expectedReply('hi')).toBe('You said: hi');
    expect(expectedReply(prompts.bash('ls -la'))).toBe('Ran ls -la.');
    expect(questionReplyText([['Blue'], ['Cats', 'Dogs']])).toBe('You chose Blue; Cats, Dogs.');
  });

  it('GET /v1/models lists m1', async () => {
    const r = await fetch(`${ms.baseUrl}/models`);
    expect(await r.json()).toMatchObject({ data: [{ id: 'm1' }] });
  });

  it('streams text chunks, a final chunk with usage, then [DONE]', async () => {
    const { chunks, done } = await sse(ms, {
      model: 'm1',
      stream: true,
      messages: [
        { role: 'user', content: [{ type: 'text', text: prompts.stream(120, { tps: 1000 }) }] },
      ],
      tools: [BASH_TOOL],
    });
    expect(done).toBe(true);
    expect(contentOf(chunks)).toBe(streamedText(120));
    const last = chunks.at(-1)!;
    expect((last['choices'] as { finish_reason: string }[])[0]?.finish_reason).toBe('stop');
    expect(last['usage']).toMatchObject({ completion_tokens: 30 });
    expect(chunks[0]).toMatchObject({ object: 'chat.completion.chunk' });
  });

  it('emits an OpenAI-style streamed tool call built from the schema, then the final text', async () => {
    const user = { role: 'user', content: prompts.bash('echo hi') };
    const first = await sse(ms, { stream: true, messages: [user], tools: [BASH_TOOL] });
    const calls = first.chunks.flatMap(
      (c) =>
        (
          c['choices'] as {
            delta: {
              tool_calls?: { id?: string; function: { name?: string; arguments?: string } }[];
            };
          }[]
        )[0]?.delta.tool_calls ?? [],
    );
    expect(calls[0]?.function.name).toBe('bash');
    const id = calls[0]?.id;
    const args = calls.map((c) => c.function.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ command: 'echo hi' });
    expect((first.chunks.at(-1)!['choices'] as { finish_reason: string }[])[0]?.finish_reason).toBe(
      'tool_calls',
    );

    const second = await sse(ms, {
      stream: true,
      tools: [BASH_TOOL],
      messages: [
        user,
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id, type: 'function', function: { name: 'bash', arguments: args } }],
        },
        { role: 'tool', tool_call_id: id, content: 'hi\n' },
      ],
    });
    expect(contentOf(second.chunks)).toBe('Ran echo hi.');
  });

  it('answers title requests and non-streaming requests', async () => {
    const r = await fetch(`${ms.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        stream: false,
        messages: [
          { role: 'system', content: 'You are a title generator. You output ONLY a thread title.' },
          { role: 'user', content: prompts.bash('rm -rf /') },
        ],
      }),
    });
    const body = (await r.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('Test session');
    expect(ms.requests.at(-1)?.kind).toBe('title');
  });

  it('returns scripted HTTP errors, then recovers after `times`', async () => {
    const messages = [{ role: 'user', content: prompts.error(500, { times: 1 }) }];
    const post = () =>
      fetch(`${ms.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ stream: false, messages, tools: [BASH_TOOL] }),
      });
    const a = await post();
    expect(a.status).toBe(500);
    await a.text();
    const b = await post();
    expect(b.status).toBe(200);
    expect(await b.json()).toMatchObject({
      choices: [{ message: { content: 'Recovered after 1 errors.' } }],
    });
  });
});
