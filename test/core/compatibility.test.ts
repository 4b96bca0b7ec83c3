// The judgement on which OpenCode answers, over 1.18.33's real OpenAPI document (recorded from
// `GET /doc`; the same file as /work/shared/reference/opencode-1.18.33-openapi.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerFacts } from '../../main/core/opencode/compatibility';
import { judgeServer, specOf } from '../../main/core/opencode/compatibility';
import {
  PROVEN_VERSIONS,
  REQUIRED_EVENTS,
  REQUIRED_ROUTES,
} from '../../main/core/opencode/requirements';

const DOC_PATH = join(__dirname, '..', 'fixtures', 'opencode-1.18.33-openapi.json');
const doc = JSON.parse(readFileSync(DOC_PATH, 'utf8')) as { paths: Record<string, object> };
const URL = 'http://127.0.0.1:4096';

const facts = (over: Partial<ServerFacts>): ServerFacts => ({
  url: URL,
  health: { version: '1.18.33' },
  apiHealth: undefined,
  spec: specOf(doc),
  setting: 'OPENCODE_URL',
  ...over,
});

/** 1.18.33's document without one path (all of its methods). */
function docWithout(path: string): unknown {
  const paths = { ...doc.paths };
  delete paths[path];
  return { ...doc, paths };
}

describe('reading an OpenAPI document', () => {
  it('finds every route and event the bridge needs in 1.18.33', () => {
    const spec = specOf(doc)!;
    expect(spec.routes.size).toBeGreaterThan(150);
    expect(REQUIRED_ROUTES.filter((r) => !spec.routes.has(r))).toEqual([]);
    // The event union of /global/event's `payload`, not the web UI's.
    expect(spec.events?.has('message.part.delta')).toBe(true);
    expect(spec.events?.has('session.next.text.delta')).toBe(true);
    expect(REQUIRED_EVENTS.filter((e) => !spec.events?.has(e))).toEqual([]);
  });

  it('is nothing for a web page or a document without paths', () => {
    expect(specOf('<!doctype html>')).toBeUndefined();
    expect(specOf({ openapi: '3.1.0' })).toBeUndefined();
  });

  it('has no event list when the stream declares none', () => {
    expect(specOf({ paths: { '/global/event': { get: {} } } })?.events).toBeUndefined();
  });
});

describe('judging a server', () => {
  it('accepts the pinned 1.18.33 with its own document', () => {
    expect(judgeServer(facts({}))).toEqual({ kind: 'ok', version: '1.18.33' });
  });

  it('refuses a 2.x server (no /global/health, /api/health with a version) and says what to do', () => {
    const verdict = judgeServer(
      facts({ health: undefined, apiHealth: { version: '2.0.18' }, spec: undefined }),
    );
    expect(verdict?.kind).toBe('incompatible');
    expect(verdict && 'message' in verdict && verdict.message).toBe(
      `OpenCode at ${URL} is version 2.0.18, with the 2.x server API; this bridge supports ` +
        `opencode-ai ${PROVEN_VERSIONS.oldest} or newer below 2. To fix it, install opencode-ai ` +
        `1.18.33 (npm i -g opencode-ai@1.18), or point OPENCODE_URL at a 1.x server.`,
    );
  });

  it('tells a bridge that launches OpenCode itself to change OPENCODE_BIN instead', () => {
    const verdict = judgeServer(
      facts({ health: undefined, apiHealth: {}, spec: undefined, setting: 'OPENCODE_BIN' }),
    );
    expect(verdict && 'message' in verdict && verdict.message).toMatch(
      /has the 2\.x server API; .* or point OPENCODE_BIN at a 1\.x opencode\.$/,
    );
  });

  it('refuses a 2.x version even where /global/health answers', () => {
    expect(judgeServer(facts({ health: { version: '2.1.0' } }))?.kind).toBe('incompatible');
  });

  it('names the route a 1.x document lacks', () => {
    const verdict = judgeServer(facts({ spec: specOf(docWithout('/session/{sessionID}/diff')) }));
    expect(verdict?.kind).toBe('incompatible');
    expect(verdict && 'message' in verdict && verdict.message).toMatch(
      /^OpenCode at \S+ \(version 1\.18\.33\) lacks GET \/session\/\{sessionID\}\/diff, which the bridge needs;/,
    );
  });

  it('names a missing event', () => {
    const spec = specOf(doc)!;
    const events = new Set(spec.events);
    events.delete('permission.asked');
    const verdict = judgeServer(facts({ spec: { routes: spec.routes, events } }));
    expect(verdict && 'message' in verdict && verdict.message).toMatch(
      /lacks the event permission\.asked, which/,
    );
  });

  it('names at most five missing things and counts the rest', () => {
    const verdict = judgeServer(facts({ spec: { routes: new Set(), events: new Set() } }));
    const more = REQUIRED_ROUTES.length + REQUIRED_EVENTS.length - 5;
    expect(verdict && 'message' in verdict && verdict.message).toContain(` and ${more} more,`);
  });

  it('works with a newer 1.x whose document is complete, with a warning', () => {
    const verdict = judgeServer(facts({ health: { version: '1.19.0' } }));
    expect(verdict).toMatchObject({ kind: 'warning', version: '1.19.0' });
    expect(verdict && 'message' in verdict && verdict.message).toMatch(
      /is version 1\.19\.0; the bridge is tested with 1\.18\.\d+ to 1\.18\.33\./,
    );
  });

  it('refuses an older 1.x that has no document to check, and accepts one with a complete one', () => {
    expect(judgeServer(facts({ health: { version: '1.2.0' }, spec: undefined }))?.kind).toBe(
      'incompatible',
    );
    expect(judgeServer(facts({ health: { version: '1.2.0' } }))?.kind).toBe('warning');
  });

  it('accepts a proven version without a document (nothing to check it against)', () => {
    expect(judgeServer(facts({ spec: undefined }))?.kind).toBe('ok');
  });

  it('leaves a server that answers neither health route to the event stream to describe', () => {
    expect(judgeServer(facts({ health: undefined, apiHealth: undefined }))).toBeUndefined();
  });
});
