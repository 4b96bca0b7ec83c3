// Everything the bridge needs from an OpenCode server, in one place: the routes it calls (the
// client builds every request from this table) and the event types it reacts to. On every connect
// the bridge checks both against the server's own OpenAPI document (see server-check.ts).
// test/core/requirements.test.ts keeps these lists equal to what the code really uses.

/** "METHOD /path/{param}", as the server's OpenAPI document spells its paths. */
export type RouteTemplate = `${'GET' | 'POST' | 'PATCH' | 'DELETE'} /${string}`;

/** The OpenCode 1.x routes the bridge calls, by the client method (or feature) that calls them. */
export const ROUTES = {
  health: 'GET /global/health',
  events: 'GET /global/event',
  createSession: 'POST /session',
  listSessions: 'GET /session',
  getSession: 'GET /session/{sessionID}',
  sessionStatus: 'GET /session/status',
  messages: 'GET /session/{sessionID}/message',
  promptAsync: 'POST /session/{sessionID}/prompt_async',
  abort: 'POST /session/{sessionID}/abort',
  diff: 'GET /session/{sessionID}/diff',
  pendingPermissions: 'GET /permission',
  replyPermission: 'POST /permission/{requestID}/reply',
  pendingQuestions: 'GET /question',
  replyQuestion: 'POST /question/{requestID}/reply',
  rejectQuestion: 'POST /question/{requestID}/reject',
  projects: 'GET /project',
  agents: 'GET /agent',
  providers: 'GET /config/providers',
  /** Read by the models feature (the configured default model). */
  config: 'GET /config',
} as const satisfies Record<string, RouteTemplate>;

/** Routes only asked to tell which server this is; not needed to work. */
export const PROBE_ROUTES = {
  openapi: 'GET /doc',
  apiHealth: 'GET /api/health',
} as const satisfies Record<string, RouteTemplate>;

export const REQUIRED_ROUTES: readonly RouteTemplate[] = Object.values(ROUTES);

/**
 * The event types features and turns react to. `server.heartbeat` is not among them: any byte
 * keeps the stream alive, and 1.18.33's document does not declare it.
 */
export const REQUIRED_EVENTS = [
  'session.status',
  'session.idle',
  'session.updated',
  'session.error',
  'session.deleted',
  'message.updated',
  'message.part.updated',
  'message.part.delta',
  'permission.asked',
  'permission.replied',
  'question.asked',
  'question.replied',
  'question.rejected',
] as const;

/**
 * The `opencode-ai` versions the end-to-end suite has passed against. Older ones are refused only
 * when their document lacks something; newer 1.x ones work with a warning; 2.x is refused.
 */
export const PROVEN_VERSIONS = { oldest: '1.18.3', newest: '1.18.33' } as const;

/** Fills `{param}`s in a template's path with URL-encoded values. */
export function routePath(template: RouteTemplate, params: Record<string, string> = {}): string {
  const path = template.slice(template.indexOf(' ') + 1);
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template} needs ${name}`);
    return encodeURIComponent(value);
  });
}

export function routeMethod(template: RouteTemplate): 'GET' | 'POST' | 'PATCH' | 'DELETE' {
  return template.slice(0, template.indexOf(' ')) as 'GET' | 'POST' | 'PATCH' | 'DELETE';
}
