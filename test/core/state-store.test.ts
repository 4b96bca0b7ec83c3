import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../main/core/state-store';

const dir = () => mkdtemp(path.join(tmpdir(), 'state-test-'));

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
    await writeFile(path.join(d, `state.json.${process.pid}.tmp`), '{"version":1,"telegr');
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
    expect(JSON.parse(await readFile(path.join(d, 'state.json'), 'utf8')).telegramOffset).toBe(49);
    expect((await readdir(d)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a damaged state file with a clear error instead of starting over', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'state.json'), '{not json');
    await expect(StateStore.inDir(d).load()).rejects.toThrow(
      /Cannot read the bridge state at .*state\.json.*Fix or remove the file/,
    );
  });

  it('reads a state file from an older version, filling what is new', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'state.json'), JSON.stringify({ version: 1, chats: {} }));
    const state = await StateStore.inDir(d).load();
    expect(state.turns).toEqual({});
    expect(state.handledUpdates).toEqual([]);
    expect(state.buttons).toEqual({});
  });
});
