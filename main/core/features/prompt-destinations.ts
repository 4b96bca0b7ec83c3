// Where the prompts the agent raises (permissions, questions) go: the chat following the session,
// the chat following its parent for a sub-agent, or, for a session no chat follows, wherever the
// desk's prompts go now.
import type { BridgeContext } from '../context';
import type { Session } from '../opencode/types';
import type { Place } from '../telegram/messenger';

/**
 * Where a session's prompts go: the chat following it or, for a sub-agent's session (the task
 * tool), the chat following its parent. Also the session's folder, which OpenCode keeps its
 * pending requests by, and the sessions on the way (the session first, then its parents).
 */
async function locate(
  context: BridgeContext,
  sessionId: string,
): Promise<{ place: Place | undefined; directory: string | undefined; chain: Session[] }> {
  const { chats, client } = context;
  let directory = chats.all().find((c) => c.sessionId === sessionId)?.directory;
  const chain: Session[] = [];
  let current: string | undefined = sessionId;
  for (let depth = 0; current && depth < 5; depth++) {
    const session: Session | undefined = await client.getSession(current).catch(() => undefined);
    if (depth === 0) directory = session?.directory ?? directory;
    if (session) chain.push(session);
    const [place] = chats.placesOf(current);
    if (place) return { place, directory, chain };
    current = session?.parentID;
  }
  return { place: undefined, directory, chain };
}

/** The followed chat or, for a session no chat follows, where the desk's prompts go. */
export async function promptDestinations(
  context: BridgeContext,
  requestId: string,
  sessionId: string,
  retry: () => void,
): Promise<{ places: Place[]; directory: string | undefined; header?: string | undefined }> {
  const { place, directory, chain } = await locate(context, sessionId);
  if (place) return { places: [place], directory };
  const [session, parent] = chain;
  const desk = context.desk;
  if (!session || !desk) return { places: [], directory };
  const route = await desk.promptPlaces(requestId, session, parent, retry);
  return { places: route?.places ?? [], directory, header: route?.header };
}
