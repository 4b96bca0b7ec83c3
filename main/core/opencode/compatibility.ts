// Which OpenCode answers, and can the bridge work with it? A pure judgement over what the server
// said about itself: its health routes, its version and its OpenAPI document. No I/O here; the
// shell that asks the server is server-check.ts.
import { PROVEN_VERSIONS, REQUIRED_EVENTS, REQUIRED_ROUTES } from './requirements';

/** The routes ("GET /session/{sessionID}") and event types a server's OpenAPI document declares. */
export interface ServerSpec {
  routes: ReadonlySet<string>;
  /** Undefined when the document declares no event schema to check against. */
  events: ReadonlySet<string> | undefined;
}

export interface ServerFacts {
  url: string;
  /** `GET /global/health` (1.x); undefined when the route is missing (404, or the web UI's HTML). */
  health: { version?: string } | undefined;
  /** `GET /api/health` (2.x), asked only when `/global/health` is missing. */
  apiHealth: { version?: string } | undefined;
  /** From the OpenAPI document; undefined when the server serves none. */
  spec: ServerSpec | undefined;
  /** The setting that picks another server: OPENCODE_URL (attached) or OPENCODE_BIN (launched). */
  setting: 'OPENCODE_URL' | 'OPENCODE_BIN';
}

export type Verdict =
  | { kind: 'ok'; version: string }
  | { kind: 'warning'; version: string; message: string }
  | { kind: 'incompatible'; version: string | undefined; message: string };

const SUPPORTED = `opencode-ai ${PROVEN_VERSIONS.oldest} or newer below 2`;
const INSTALL = `install opencode-ai ${PROVEN_VERSIONS.newest} (npm i -g opencode-ai@1.18)`;
const MAX_NAMED = 5;

/**
 * The verdict on one server; undefined when it answers neither health route (then it is not an
 * OpenCode at all, and the event stream's own error says so).
 */
export function judgeServer(facts: ServerFacts): Verdict | undefined {
  const other =
    facts.setting === 'OPENCODE_URL'
      ? 'point OPENCODE_URL at a 1.x server'
      : 'point OPENCODE_BIN at a 1.x opencode';
  const refuse = (version: string | undefined, what: string): Verdict => ({
    kind: 'incompatible',
    version,
    message: `OpenCode at ${facts.url} ${what}; this bridge supports ${SUPPORTED}. To fix it, ${INSTALL}, or ${other}.`,
  });

  if (!facts.health) {
    if (!facts.apiHealth) return undefined;
    const version = facts.apiHealth.version;
    return refuse(
      version,
      version ? `is version ${version}, with the 2.x server API` : 'has the 2.x server API',
    );
  }

  const version = facts.health.version ?? 'unknown';
  const parsed = parseVersion(version);
  if (parsed && parsed[0] >= 2) return refuse(version, `is version ${version}`);

  if (facts.spec) {
    const missing = missingFrom(facts.spec);
    if (missing.length > 0) {
      const named = missing.slice(0, MAX_NAMED).join(', ');
      const more = missing.length > MAX_NAMED ? ` and ${missing.length - MAX_NAMED} more` : '';
      return refuse(version, `(version ${version}) lacks ${named}${more}, which the bridge needs`);
    }
  }

  const tooOld = !parsed || compareVersions(parsed, parseVersion(PROVEN_VERSIONS.oldest)!) < 0;
  const tooNew = parsed && compareVersions(parsed, parseVersion(PROVEN_VERSIONS.newest)!) > 0;
  if (tooOld && !facts.spec) {
    return refuse(version, `is version ${version}, and its route list (/doc) cannot be read`);
  }
  if (tooOld || tooNew) {
    return {
      kind: 'warning',
      version,
      message:
        `OpenCode at ${facts.url} is version ${version}; the bridge is tested with ` +
        `${PROVEN_VERSIONS.oldest} to ${PROVEN_VERSIONS.newest}. Its routes and events check out, ` +
        `so it should work; if something misbehaves, ${INSTALL}.`,
    };
  }
  return { kind: 'ok', version };
}

/** What the bridge needs that the document does not declare, routes first. */
export function missingFrom(spec: ServerSpec): string[] {
  const routes = REQUIRED_ROUTES.filter((r) => !spec.routes.has(r));
  const events = spec.events
    ? REQUIRED_EVENTS.filter((e) => !spec.events?.has(e)).map((e) => `the event ${e}`)
    : [];
  return [...routes, ...events];
}

// ---- reading an OpenAPI document ------------------------------------------------------------

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The routes and event types of an OpenAPI 3 document; undefined when it is not one. */
export function specOf(doc: unknown): ServerSpec | undefined {
  if (!isObject(doc) || !isObject(doc['paths'])) return undefined;
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(doc['paths'])) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      if (item[method]) routes.add(`${method.toUpperCase()} ${normalisePath(path)}`);
    }
  }
  return { routes, events: eventTypesOf(doc) };
}

/** `{id}`-style parameters keep their names, but `:id` ones are rewritten to match. */
function normalisePath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/**
 * The event types `/global/event` declares: its response schema is an envelope whose `payload`
 * is a union (anyOf/oneOf) of objects with a constant `type`. 1.18.33 names it `GlobalEvent`.
 */
function eventTypesOf(doc: Json): Set<string> | undefined {
  const schemas = isObject(doc['components']) ? doc['components']['schemas'] : undefined;
  const resolve = (schema: unknown, depth = 0): Json | undefined => {
    if (!isObject(schema) || depth > 8) return undefined;
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return schema;
    const name = ref.split('/').pop() ?? '';
    return isObject(schemas) ? resolve(schemas[name], depth + 1) : undefined;
  };
  const stream = pathAt(doc, ['paths', '/global/event', 'get', 'responses', '200', 'content']);
  const envelope = resolve(
    isObject(stream) ? pathAt(stream, ['text/event-stream', 'schema']) : undefined,
  );
  const payload = resolve(envelope && pathAt(envelope, ['properties', 'payload']));
  const union = payload && (payload['anyOf'] ?? payload['oneOf']);
  if (!Array.isArray(union)) return undefined;
  const types = new Set<string>();
  for (const alternative of union) {
    const type = resolve(pathAt(resolve(alternative) ?? {}, ['properties', 'type']));
    if (!type) continue;
    if (typeof type['const'] === 'string') types.add(type['const']);
    if (Array.isArray(type['enum'])) {
      for (const value of type['enum']) if (typeof value === 'string') types.add(value);
    }
  }
  return types.size > 0 ? types : undefined;
}

function pathAt(value: Json, keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return current;
}

// ---- versions ---------------------------------------------------------------------------------

type Version = [number, number, number];

export function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
