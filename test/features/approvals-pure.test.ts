// The pure parts of permission and question prompts: what the message says and which buttons it
// carries (Telegram allows 64 bytes of callback_data and about 100 buttons).
import { describe, expect, it } from 'vitest';
import { describePermission, permissionKeyboard } from '../../main/core/features/permissions';
import { questionKeyboard, renderQuestion } from '../../main/core/features/questions';
import type { PermissionRequest, QuestionRequest } from '../../main/core/opencode/types';

const TOKEN = 'AbCdEfGhIj_-';

const permission = (over: Partial<PermissionRequest>): PermissionRequest => ({
  id: 'per_1',
  sessionID: 'ses_1',
  permission: 'bash',
  patterns: [],
  ...over,
});

const allData = (keyboard: { inline_keyboard: Array<Array<{ text: string }>> }): string[] =>
  keyboard.inline_keyboard.flat().map((b) => ('callback_data' in b ? String(b.callback_data) : ''));

describe('describePermission', () => {
  it('names the tool, shows the command and the project, escaped', () => {
    const html = describePermission(
      permission({
        patterns: ['echo <hi> && rm x'],
        metadata: { command: 'echo <hi> && rm x' },
        always: ['echo *'],
      }),
      '/home/ada/My <Project>',
    );
    expect(html).toBe(
      '🔐 <b>The agent wants to run a command</b>\n' +
        '<pre>echo &lt;hi&gt; &amp;&amp; rm x</pre>\n' +
        'in <code>/home/ada/My &lt;Project&gt;</code>\n' +
        '<i>Always allows: echo * until OpenCode restarts.</i>',
    );
  });

  it('lists the paths of a file permission, at most ten, and leaves out a catch-all "always"', () => {
    const paths = Array.from({ length: 12 }, (_, i) => `src/file-${i}.ts`);
    const html = describePermission(
      permission({ permission: 'edit', patterns: paths, always: ['*'] }),
      undefined,
    );
    expect(html).toBe(
      `🔐 <b>The agent wants to change files</b>\n<pre>${paths.slice(0, 10).join('\n')}</pre>`,
    );
  });

  it('names a tool it does not know by its name and clips a huge command', () => {
    const command = 'x'.repeat(4000);
    const html = describePermission(
      permission({ permission: 'my_tool', metadata: { command } }),
      undefined,
    );
    expect(html).toBe(`🔐 <b>The agent wants to use my_tool</b>\n<pre>${'x'.repeat(1500)}…</pre>`);
  });
});

describe('permissionKeyboard', () => {
  it('carries only the token and one letter per button', () => {
    const keyboard = permissionKeyboard(TOKEN);
    expect(keyboard.inline_keyboard.flat().map((b) => b.text)).toEqual([
      '✅ Once',
      '♾️ Always',
      '❌ Reject',
    ]);
    expect(allData(keyboard)).toEqual([`${TOKEN}:o`, `${TOKEN}:a`, `${TOKEN}:r`]);
  });
});

const question = (over: Partial<QuestionRequest['questions'][number]> = {}) => ({
  question: 'Which color?',
  header: 'Color',
  options: [
    { label: 'Red', description: 'The color red' },
    { label: 'Blue', description: 'The color <b>blue</b>' },
  ],
  ...over,
});

const request = (questions: QuestionRequest['questions']): QuestionRequest => ({
  id: 'que_1',
  sessionID: 'ses_1',
  questions,
});

describe('renderQuestion', () => {
  it('shows the header, the question, the described options and the hints, escaped', () => {
    expect(renderQuestion(request([question()]), 0, [])).toBe(
      '❓ <b>Color</b>\nWhich color?\n\n' +
        '• <b>Red</b> — The color red\n• <b>Blue</b> — The color &lt;b&gt;blue&lt;/b&gt;\n\n' +
        '<i>Or type your own answer.</i>',
    );
  });

  it('numbers several questions and shows what is chosen so far', () => {
    const req = request([question(), question({ header: 'Pets', multiple: true, custom: false })]);
    expect(renderQuestion(req, 1, ['Red', 'Blue'])).toBe(
      '❓ <b>Pets</b> <i>(2 of 2)</i>\nWhich color?\n\n' +
        '• <b>Red</b> — The color red\n• <b>Blue</b> — The color &lt;b&gt;blue&lt;/b&gt;\n\n' +
        '<i>Choose any, then Done. Chosen: Red, Blue</i>',
    );
  });
});

describe('questionKeyboard', () => {
  it('one option a row, then Skip; toggles and Done where several may be chosen', () => {
    const single = questionKeyboard(TOKEN, request([question()]), 0, []);
    expect(single.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['Red'],
      ['Blue'],
      ['⏭ Skip'],
    ]);
    expect(allData(single)).toEqual([`${TOKEN}:0.0`, `${TOKEN}:0.1`, `${TOKEN}:0.s`]);

    const multi = request([question(), question({ multiple: true })]);
    const keyboard = questionKeyboard(TOKEN, multi, 1, ['Blue']);
    expect(keyboard.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['Red'],
      ['☑️ Blue'],
      ['✔️ Done', '⏭ Skip'],
    ]);
    expect(allData(keyboard)).toEqual([
      `${TOKEN}:1.0`,
      `${TOKEN}:1.1`,
      `${TOKEN}:1.d`,
      `${TOKEN}:1.s`,
    ]);
  });

  it('stays within 64 bytes of callback_data and clips long labels, whatever the options', () => {
    const options = Array.from({ length: 60 }, (_, i) => ({
      label: `Option ${i} ${'ü'.repeat(200)}`,
    }));
    const req = request(Array.from({ length: 30 }, () => question({ options, multiple: true })));
    const keyboard = questionKeyboard(TOKEN, req, 29, []);
    for (const data of allData(keyboard)) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    const texts = keyboard.inline_keyboard.flat().map((b) => b.text);
    expect(texts[0]).toBe(`Option 0 ${'ü'.repeat(50)}…`);
    expect(Math.max(...texts.map((t) => t.length))).toBe(60);
  });
});
