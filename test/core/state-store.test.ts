import { promises as fs } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogHub } from '../../main/core/log';
import { StateStore } from '../../main/core/state-store';
import type { LogEntry } from '../../main/core/status';

const dir = () => mkdtemp(path.join(tmpdir(), 'state-test-'));
const modeOf = async (p: string) => (await stat(p)).mode & 0o777;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the file as a test reads it
const onDisk = async (d: string): Promise<any> =>
  JSON.parse(await readFile(path.join(d, 'state.json'), 'utf8'));

/** A logger that keeps its lines, and the store options that use it. */
function recorder() {
  const hub = createLogHub();
  const lines: LogEntry[] = [];
  hub.addSink((entry) => lines.push(entry));
  return { lines, log: hub.logger('state') };
}

const fsError = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

/** A folder where the state file belongs: every write fails until `clear()`, like a full disk. */
async function inTheWay(d: string) {
  const blocker = path.join(d, 'state.json');
  await mkdir(path.join(blocker, 'x'), { recursive: true });
  return { clear: () => rm(blocker, { recursive: true }) };
}

/** Records the temp files the store opens (the store uses the shared `fs.promises`). */
function recordOpens(): string[] {
  const opened: string[] = [];
  const open = fs.open.bind(fs);
  vi.spyOn(fs, 'open').mockImplementation(((file: string, ...rest: [string, number]) => {
    opened.push(file);
    return open(file, ...rest);
  }) as typeof fs.open);
  return opened;
}

// A rejection nobody handles would end the headless bridge: none may happen here.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  vi.restoreAllMocks();
  // Rejections are reported after the microtask queue drains: give them a turn to show up.
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('StateStore', () => {
  it('persists changes and reads them back after a restart', async () => {
    const d = await dir();
    const store = StateStore.inDir(d);
    await store.load();
    await store.update((s) => {
      s.telegramOffset = 42;
      s.chats['7'] = { chatId: 7, directory: '/p', sessionId: 'ses_1' };
    });
    const again = StateStore.inDir(d);
    const state = await again.load();
    expect(state.telegramOffset).toBe(42);
    expect(state.chats['7']?.sessionId).toBe('ses_1');
  });

  it('a crash mid-write leaves the last good state (writes go to a temp file, then rename)', async () => {
    const d = await dir();
    const store = StateStore.inDir(d);
    await store.load();
    await store.update((s) => void (s.telegramOffset = 1));
    // What a crash during the next write leaves behind: a half-written temp file.
    await writeFile(path.join(d, `state.json.0123456789abcdef.tmp`), '{"version":1,"telegr');
    const state = await StateStore.inDir(d).load();
    expect(state.telegramOffset).toBe(1);
  });

  it('the newest of many quick changes is what lands on disk', async () => {
    const d = await dir();
    const store = StateStore.inDir(d);
    await store.load();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.update((s) => void (s.telegramOffset = i))),
    );
    await store.settled();
    expect((await onDisk(d)).telegramOffset).toBe(49);
    expect((await readdir(d)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reads a state file from an older version, filling what is new', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'state.json'), JSON.stringify({ version: 1, chats: {} }));
    const state = await StateStore.inDir(d).load();
    expect(state.turns).toEqual({});
    expect(state.handledUpdates).toEqual([]);
    expect(state.buttons).toEqual({});
    expect(state.stashedFiles).toEqual({});
  });
});

describe('StateStore after a failed write', () => {
  it('the next change writes the whole state again, including the change that failed', async () => {
    const d = await dir();
    const store = StateStore.inDir(d);
    await store.load();
    const blocker = await inTheWay(d);
    // The write fails; the promise still resolves (nobody has to catch it).
    await expect(
      store.update((s) => void (s.chats['7'] = { chatId: 7, directory: '/p', sessionId: 'ses_1' })),
    ).resolves.toBeUndefined();
    await blocker.clear();
    await expect(store.update((s) => void (s.telegramOffset = 43))).resolves.toBeUndefined();
    const saved = await onDisk(d);
    expect(saved.telegramOffset).toBe(43);
    expect(saved.chats['7'].sessionId).toBe('ses_1');
    expect((await readdir(d)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says the failure once, in words, until a write succeeds again', async () => {
    const d = await dir();
    const { lines, log } = recorder();
    const store = StateStore.inDir(d, { log });
    await store.load();
    const rename = fs.rename.bind(fs);
    vi.spyOn(fs, 'rename')
      .mockRejectedValueOnce(fsError('ENOSPC'))
      .mockRejectedValueOnce(fsError('ENOSPC'))
      .mockRejectedValueOnce(fsError('EIO'))
      .mockImplementation(rename);
    for (let i = 1; i <= 4; i++) await store.update((s) => void (s.telegramOffset = i));
    expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      `error Could not save the bridge's state to ${path.join(d, 'state.json')} (disk full); will try again with the next change.`,
      'info State saved again.',
    ]);
    expect((await onDisk(d)).telegramOffset).toBe(4);
  });

  it('a change nobody waits for cannot end the process when its write fails', async () => {
    const d = await dir();
    const store = StateStore.inDir(d);
    await store.load();
    const blocker = await inTheWay(d);
    void store.update((s) => void (s.telegramOffset = 5));
    await expect(store.settled()).resolves.toBeUndefined();
    // settled() on stop gives a failed write one more try: it lands once the way is clear.
    await blocker.clear();
    await expect(store.settled()).resolves.toBeUndefined();
    expect((await onDisk(d)).telegramOffset).toBe(5);
  });
});

describe('StateStore files are private and its temp files its own', () => {
  it('makes an existing folder open to others private on start; the file is owner-only', async () => {
    const d = path.join(await dir(), 'state');
    await mkdir(d);
    await chmod(d, 0o755);
    const store = StateStore.inDir(d);
    await store.load();
    expect(await modeOf(d)).toBe(0o700);
    await store.update((s) => void (s.telegramOffset = 1));
    expect(await modeOf(path.join(d, 'state.json'))).toBe(0o600);
  });

  it('creates a missing folder owner-only', async () => {
    const d = path.join(await dir(), 'a', 'state');
    await StateStore.inDir(d).load();
    expect(await modeOf(d)).toBe(0o700);
  });

  it('writes through a new, unguessable temp name each time, never reusing one', async () => {
    const d = await dir();
    const opened = recordOpens();
    const a = StateStore.inDir(d);
    const b = StateStore.inDir(d);
    await Promise.all([a.load(), b.load()]);
    // Two writers in one folder at once (two bridges, or a leftover): neither clobbers the other.
    await Promise.all([
      a.update((s) => void (s.telegramOffset = 1)),
      b.update((s) => void (s.telegramOffset = 2)),
    ]);
    await a.update((s) => void (s.telegramOffset = 3));
    const names = opened.map((f) => path.basename(f));
    expect(names).toHaveLength(3);
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(/^state\.json\.[0-9a-f]{16}\.tmp$/);
    expect((await onDisk(d)).telegramOffset).toBe(3);
  });

  it('never writes through a file planted under its temp name', async () => {
    const d = await dir();
    const planted: string[] = [];
    const open = fs.open.bind(fs);
    vi.spyOn(fs, 'open').mockImplementation((async (file: string, flags: string, mode: number) => {
      // Someone created the temp file first (a symlink to a file of theirs would be the same).
      await writeFile(file, 'planted');
      planted.push(file);
      return open(file, flags, mode);
    }) as typeof fs.open);
    const { lines, log } = recorder();
    const store = StateStore.inDir(d, { log });
    await store.load();
    await store.update((s) => void (s.telegramOffset = 1));
    expect(await readFile(planted[0] as string, 'utf8')).toBe('planted');
    expect(lines.map((l) => l.message)).toEqual([
      expect.stringContaining('(a file is in the way); will try again with the next change.'),
    ]);
  });
});

describe('StateStore with a damaged file', () => {
  const damaged = {
    'a list': '[]',
    'chats of the wrong type': '{"chats": 5}',
    'a string': '"x"',
    null: 'null',
    'a chat without a folder': '{"version":1,"chats":{"7":{"chatId":7}}}',
    'an offset that is text': '{"telegramOffset":"42"}',
    'a newer version': '{"version":2,"chats":{}}',
    'not JSON': '{not json',
  };

  for (const [what, text] of Object.entries(damaged)) {
    it(`${what}: moved aside (owner-only), a fresh start, said once`, async () => {
      const d = await dir();
      await writeFile(path.join(d, 'state.json'), text, { mode: 0o644 });
      await chmod(path.join(d, 'state.json'), 0o644);
      const { lines, log } = recorder();
      const store = StateStore.inDir(d, { log, now: () => Date.parse('2026-03-04T05:06:07.890Z') });
      const state = await store.load();
      expect(state.chats).toEqual({});
      expect(state.handledUpdates).toEqual([]);
      const aside = path.join(d, 'state.json.broken-2026-03-04T050607.890Z');
      expect(await readFile(aside, 'utf8')).toBe(text);
      expect(await modeOf(aside)).toBe(0o600);
      expect(lines.filter((l) => l.level !== 'info')).toHaveLength(1);
      expect(lines.at(-1)?.message).toContain(
        `it was moved to ${aside} and the bridge started fresh`,
      );
      expect(store.notice).toBe(lines.at(-1)?.message);
      // The bridge runs on: the next change lands as usual.
      await store.update((s) => void (s.telegramOffset = 1));
      expect((await onDisk(d)).telegramOffset).toBe(1);
    });
  }

  it('says where the shape is wrong, without quoting the file', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'state.json'), '{"chats":{"7":{"chatId":7}}}');
    const { lines, log } = recorder();
    await StateStore.inDir(d, { log }).load();
    expect(lines.at(-1)?.message).toContain('(chats["7"].directory is not a string)');
    await writeFile(path.join(d, 'state.json'), '{"secret-looking text');
    await StateStore.inDir(d, { log }).load();
    expect(lines.at(-1)?.message).toContain('(not valid JSON)');
    expect(lines.at(-1)?.message).not.toContain('secret-looking');
  });

  it('keeps fields it does not know, so a file from a newer bridge loses nothing', async () => {
    const d = await dir();
    const file = { version: 1, chats: {}, futureField: { a: 1 } };
    await writeFile(path.join(d, 'state.json'), JSON.stringify(file));
    const store = StateStore.inDir(d);
    await store.load();
    await store.update((s) => void (s.telegramOffset = 1));
    expect((await onDisk(d)).futureField).toEqual({ a: 1 });
  });
});
