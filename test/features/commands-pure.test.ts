// The pure parts behind /sessions, /projects, /model and /diff.
import { describe, expect, it } from 'vitest';
import { mergeByFile } from '../../main/core/features/diff';
import { parseModel } from '../../main/core/features/models';
import { age, sessionsOfFolder } from '../../main/core/features/sessions';
import { listChoice } from '../../main/core/interaction/choices';
import type { FileDiff, Session } from '../../main/core/opencode/types';

describe('listChoice', () => {
  const folders = ['/a', '/b', '/c'];
  it('picks by plain index', () => {
    expect(listChoice(folders, '0')).toBe('/a');
    expect(listChoice(folders, '2')).toBe('/c');
  });
  it.each(['', '3', '-1', '1e0', '01', ' 1', '0x1', '1.0', '/etc', 'default'])(
    'chooses nothing for %j',
    (arg) => expect(listChoice(folders, arg)).toBeUndefined(),
  );
  it('chooses nothing from a record without a list', () => {
    expect(listChoice(undefined, '0')).toBeUndefined();
  });
});

describe('age', () => {
  it.each([
    [0, 'just now'],
    [59_999, 'just now'],
    [60_000, '1 min ago'],
    [59 * 60_000, '59 min ago'],
    [60 * 60_000, '1 h ago'],
    [23 * 3_600_000 + 59 * 60_000, '23 h ago'],
    [24 * 3_600_000, '1 d ago'],
    [10 * 24 * 3_600_000, '10 d ago'],
  ])('%i ms → %s', (ms, text) => expect(age(ms)).toBe(text));
});

describe('sessionsOfFolder', () => {
  const session = (
    id: string,
    directory: string,
    updated: number,
    extra: Partial<Session> = {},
  ): Session => ({ id, title: id, directory, time: { created: 0, updated }, ...extra });

  it('keeps a git project’s sessions from any subfolder, newest first, up to the limit', () => {
    const list = [
      session('old', '/repo', 1, { projectID: 'abc' }),
      session('sub', '/repo/pkg', 3, { projectID: 'abc' }),
      session('new', '/repo', 2, { projectID: 'abc' }),
    ];
    expect(sessionsOfFolder(list, '/repo', 2).map((s) => s.id)).toEqual(['sub', 'new']);
  });

  it('keeps only this folder’s sessions of the shared "global" project, and no sub-agent sessions', () => {
    const list = [
      session('here', '/notes', 1, { projectID: 'global' }),
      session('elsewhere', '/tmp/other', 2, { projectID: 'global' }),
      session('child', '/notes', 3, { projectID: 'global', parentID: 'here' }),
    ];
    expect(sessionsOfFolder(list, '/notes', 10).map((s) => s.id)).toEqual(['here']);
  });
});

describe('parseModel', () => {
  it('splits at the first slash: model ids may contain slashes', () => {
    expect(parseModel('local/m1')).toEqual({ providerID: 'local', modelID: 'm1' });
    expect(parseModel('openrouter/anthropic/claude')).toEqual({
      providerID: 'openrouter',
      modelID: 'anthropic/claude',
    });
  });
  it.each([undefined, '', 'm1', '/m1', 'local/'])('rejects %j', (value) =>
    expect(parseModel(value)).toBeUndefined(),
  );
});

describe('mergeByFile', () => {
  it('adds up one file’s turns, keeps first-changed order and concatenates patches', () => {
    const merged = mergeByFile([
      { file: 'a.txt', patch: '@@ a1 @@\n+x\n', additions: 1, deletions: 0, status: 'added' },
      { file: 'b.txt', patch: '@@ b1 @@\n-y\n', additions: 0, deletions: 1, status: 'modified' },
      {
        file: 'a.txt',
        patch: '@@ a2 @@\n+z\n-x\n',
        additions: 1,
        deletions: 1,
        status: 'modified',
      },
    ]);
    expect(merged).toEqual([
      {
        file: 'a.txt',
        patch: '@@ a1 @@\n+x\n@@ a2 @@\n+z\n-x\n',
        additions: 2,
        deletions: 1,
        status: 'added',
      },
      { file: 'b.txt', patch: '@@ b1 @@\n-y\n', additions: 0, deletions: 1, status: 'modified' },
    ]);
  });

  it('marks a file deleted when a later turn deleted it, and leaves its input untouched', () => {
    const first: FileDiff = {
      file: 'a.txt',
      patch: '+x\n',
      additions: 1,
      deletions: 0,
      status: 'modified',
    };
    const merged = mergeByFile([
      first,
      { file: 'a.txt', patch: '-x\n', additions: 0, deletions: 1, status: 'deleted' },
    ]);
    expect(merged[0]!.status).toBe('deleted');
    expect(first).toEqual({
      file: 'a.txt',
      patch: '+x\n',
      additions: 1,
      deletions: 0,
      status: 'modified',
    });
  });
});
