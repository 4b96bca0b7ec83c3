// The lists of routes and events the bridge checks a server for must be what the code really
// uses: every request the client can make, every OpenCode path and event name anywhere in
// main/core. A new route or event handler that is not added to requirements.ts fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpencodeClient } from '../../main/core/opencode/client';
import { specOf } from '../../main/core/opencode/compatibility';
import type { RouteTemplate } from '../../main/core/opencode/requirements';
import {
  PROBE_ROUTES,
  REQUIRED_EVENTS,
  REQUIRED_ROUTES,
} from '../../main/core/opencode/requirements';

const CORE = join(__dirname, '..', '..', 'main', 'core');
const doc = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'opencode-1.18.33-openapi.json'), 'utf8'),
) as unknown;
const spec = specOf(doc)!;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}
const sources = sourceFiles(CORE).map((file) => ({
  file: relative(CORE, file),
  text: readFileSync(file, 'utf8'),
}));

const pathOf = (template: string): string => template.slice(template.indexOf(' ') + 1);
/** Paths compared without parameter names: `{sessionID}`, `${id}` and `:id` are all `{}`. */
const shape = (path: string): string =>
  path
    .replace(/\$\{[^}]*\}/g, '{}')
    .replace(/\{\w+\}/g, '{}')
    .replace(/:\w+/g, '{}');
const templateRegex = (template: RouteTemplate): RegExp =>
  new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+').replace(/\//g, '\\/')}$`);

describe('the routes the bridge needs', () => {
  it('cover every request the client makes', async () => {
    const requests: string[] = [];
    const client = new OpencodeClient({
      baseUrl: 'http://127.0.0.1:1',
      username: 'opencode',
      password: undefined,
      fetch: (url, init) => {
        requests.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
        return Promise.resolve(
          new Response('{}', { headers: { 'content-type': 'application/json' } }),
        );
      },
    });
    const methods = Object.getOwnPropertyNames(OpencodeClient.prototype).filter(
      (name) => !['constructor', 'headers', 'request', 'call'].includes(name),
    );
    expect(methods.length).toBeGreaterThan(15);
    for (const name of methods) {
      const method = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
      // Ids and parts for the methods that take them; the probes take only an optional signal.
      await Promise.resolve()
        .then(() => method.call(client, 'ses_x', [{ type: 'text', text: 'x' }], {}))
        .catch(() => method.call(client));
    }
    const known = [...REQUIRED_ROUTES, ...Object.values(PROBE_ROUTES)];
    const unlisted = requests.filter((r) => !known.some((t) => templateRegex(t).test(r)));
    expect(unlisted).toEqual([]);
    // …and every listed route is used: by the client, or (below) by name elsewhere in main/core.
    const unused = REQUIRED_ROUTES.filter((t) => !requests.some((r) => templateRegex(t).test(r)));
    for (const route of unused) {
      const users = sources.filter(
        (s) => s.file !== 'opencode/requirements.ts' && s.text.includes(`'${pathOf(route)}'`),
      );
      expect(
        users.map((s) => s.file),
        route,
      ).not.toEqual([]);
    }
  });

  it('include every OpenCode path written anywhere in main/core', () => {
    const needed = new Set(REQUIRED_ROUTES.map((t) => shape(pathOf(t))));
    const known = new Set([...spec.routes].map((t) => shape(pathOf(t))));
    const probes = new Set(Object.values(PROBE_ROUTES).map((t) => shape(pathOf(t))));
    const found: string[] = [];
    for (const { file, text } of sources) {
      for (const match of text.matchAll(/['`](\/[\w/{}$.:-]*)['`]/g)) {
        const path = shape(match[1]!);
        if (known.has(path) && !needed.has(path) && !probes.has(path))
          found.push(`${file}: ${path}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('exist in the pinned server', () => {
    expect(REQUIRED_ROUTES.filter((r) => !spec.routes.has(r))).toEqual([]);
  });
});

describe('the events the bridge needs', () => {
  it('are exactly the OpenCode event names the code reacts to', () => {
    // types.ts declares the stream's shapes (server.heartbeat included), it does not react.
    const ignored = new Set(['opencode/requirements.ts', 'opencode/types.ts']);
    const used = new Set<string>();
    for (const { file, text } of sources) {
      if (ignored.has(file)) continue;
      for (const match of text.matchAll(/'([a-z-]+(?:\.[a-z-]+)+)'/g)) {
        if (spec.events?.has(match[1]!)) used.add(match[1]!);
      }
    }
    expect([...used].sort()).toEqual([...REQUIRED_EVENTS].sort());
  });
});

/** Routes and raw event names written outside main/core/opencode/ (the adapter). */
function leaks(files: ReadonlyArray<{ file: string; text: string }>): string[] {
  const known = new Set([...spec.routes].map((t) => shape(pathOf(t))));
  const found: string[] = [];
  for (const { file, text } of files) {
    if (file.startsWith(`opencode${sep}`)) continue;
    for (const match of text.matchAll(/['`](\/[\w/{}$.:-]*)['`]/g)) {
      if (known.has(shape(match[1]!))) found.push(`${file}: ${match[1]}`);
    }
    for (const match of text.matchAll(/['`]([a-z-]+(?:\.[a-z-]+)+)['`]/g)) {
      if (spec.events?.has(match[1]!)) found.push(`${file}: ${match[1]}`);
    }
    for (const name of ['prompt_async', '/global/event', '/permission/']) {
      if (text.includes(name)) found.push(`${file}: ${name}`);
    }
  }
  return found;
}

describe('the adapter seam', () => {
  it('keeps every OpenCode route and raw event name inside main/core/opencode/', () => {
    expect(leaks(sources)).toEqual([]);
  });

  it('notices a feature that used a route or a raw event name', () => {
    const text =
      "if (event.type === 'permission.asked') await client.request('GET', '/permission');\n" +
      'const url = `/session/${id}/prompt_async`;';
    expect(leaks([{ file: join('features', 'x.ts'), text }])).toEqual([
      `${join('features', 'x.ts')}: /permission`,
      `${join('features', 'x.ts')}: /session/${'${id}'}/prompt_async`,
      `${join('features', 'x.ts')}: permission.asked`,
      `${join('features', 'x.ts')}: prompt_async`,
    ]);
    expect(leaks([{ file: join('opencode', 'v1', 'x.ts'), text }])).toEqual([]);
  });
});
