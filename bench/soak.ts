// Soak: the headless bridge for many minutes with mixed traffic in 5 private chats and 3 forum
// topics (streamed answers, a permission answered, /status, a question), while OpenCode is
// restarted twice and Telegram is cut off twice. Counts lost final answers, prompts the model saw
// twice, 429s, the bridge's RSS and what it holds in memory at the end.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FakeUser, MessageView } from '../test/support/fake-telegram';
import { expectedReply, prompts } from '../test/support/model-server';
import {
  type Bench,
  OWNER,
  type BridgeProcess,
  isNotice,
  procSample,
  sleep,
  startBridge,
} from './e2e';

export interface SoakConfig {
  minutes: number;
  chats: number;
  topics: number;
  /** Telegram is down this long, each time. */
  outageS: number;
}

type Kind = 'stream' | 'bash' | 'status' | 'question';
/** answered: the whole answer and ✅; interrupted: OpenCode restarted under the turn (⚠️, what it had produced kept); refused: "did not reach OpenCode" said. */
type Outcome = 'answered' | 'interrupted' | 'refused' | 'lost';

interface Action {
  place: string;
  kind: Kind;
  text: string;
  outcome: Outcome;
  detail?: string;
}

export interface SoakResult {
  config: SoakConfig;
  seconds: number;
  actions: Action[];
  counts: Record<Kind, Record<Outcome, number>>;
  duplicatedPrompts: string[];
  rateLimited: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  /** What the bridge held at the end, largest first ("Held at stop: …" in its log). */
  held: [string, number][];
  faults: string[];
}

interface Place {
  name: string;
  chatId: number;
  threadId?: number;
  from: FakeUser;
}

const CYCLE: Kind[] = ['stream', 'bash', 'status', 'question', 'stream', 'status'];
const ACTION_TIMEOUT_MS = 240_000;

export async function runSoak(b: Bench, config: SoakConfig): Promise<SoakResult> {
  const { telegram, model, opencode } = b;
  const users: FakeUser[] = [OWNER];
  for (let i = 1; i < config.chats; i++) {
    const user = { id: 5000 + i, first_name: `Soak ${i}` };
    telegram.addPrivateChat(user);
    users.push(user);
  }
  const groupId = telegram.addForumGroup({ title: `Soak ${Date.now()}` }).id;
  const bridge: BridgeProcess = await startBridge(b, {
    TELEGRAM_ALLOWED_USERS: users.map((u) => u.id).join(','),
    TELEGRAM_ALLOWED_CHATS: String(groupId),
  });
  const pid = bridge.child.pid;
  if (pid === undefined) throw new Error('soak: the bridge has no pid');
  const faults: string[] = [];
  const started = Date.now();
  const note = (what: string) =>
    faults.push(`${Math.round((Date.now() - started) / 1000)} s: ${what}`);
  try {
    const places: Place[] = users.map((u) => ({ name: `chat ${u.id}`, chatId: u.id, from: u }));
    for (let i = 0; i < config.topics; i++) {
      telegram.userSendsText({ from: OWNER, chatId: groupId, text: `/new Soak topic ${i + 1}` });
      await telegram.waitFor(() => telegram.topics(groupId).length > i, { timeoutMs: 120_000 });
      const threadId = telegram.topics(groupId).at(-1)!.threadId;
      places.push({ name: `topic ${threadId}`, chatId: groupId, threadId, from: OWNER });
    }
    const hitsBefore = telegram.rateLimitHits().length;
    const requestsBefore = model.requests.length;
    const rssStart = (await procSample(pid)).rssKb;
    let rssMax = rssStart;
    const t0 = Date.now();
    const end = t0 + config.minutes * 60_000;
    let opencodeDown = false;

    const faultsDone = (async () => {
      const at = (share: number) => sleep(Math.max(0, t0 + share * (end - t0) - Date.now()));
      for (const [share, kind] of [
        [0.2, 'opencode'],
        [0.4, 'telegram'],
        [0.6, 'opencode'],
        [0.8, 'telegram'],
      ] as const) {
        await at(share);
        if (kind === 'opencode') {
          opencodeDown = true;
          note('OpenCode restarting');
          await opencode.restart();
          opencodeDown = false;
          note('OpenCode back');
        } else {
          note(`Telegram down for ${config.outageS} s`);
          telegram.setOutage(true);
          await sleep(config.outageS * 1000);
          telegram.setOutage(false);
          note('Telegram back');
        }
      }
    })();
    const sampling = (async () => {
      while (Date.now() < end) {
        await sleep(5000);
        rssMax = Math.max(rssMax, (await procSample(pid)).rssKb);
      }
    })();

    let seq = 0;
    const actions: Action[] = [];
    const drive = async (place: Place, index: number): Promise<void> => {
      for (let step = index % 2; Date.now() < end; step++) {
        while (opencodeDown) await sleep(500);
        const kind = CYCLE[step % CYCLE.length]!;
        actions.push(await act(b, place, kind, ++seq));
        await sleep(1000 + ((index * 7 + step * 13) % 3000));
      }
    };
    await Promise.all(places.map(drive));
    await faultsDone;
    await sampling;
    const seconds = (Date.now() - t0) / 1000;
    const rssEnd = (await procSample(pid)).rssKb;

    // Each prompt reached the model once at most: its first step (the last message is the user's).
    const firstSteps = new Map<string, number>();
    for (const r of model.requests.slice(requestsBefore)) {
      const messages = (r.body as { messages?: { role: string }[] } | undefined)?.messages;
      if (r.kind === 'title' || !r.userText || messages?.at(-1)?.role !== 'user') continue;
      firstSteps.set(r.userText, (firstSteps.get(r.userText) ?? 0) + 1);
    }
    const duplicatedPrompts = actions
      .filter((a) => a.kind !== 'status' && (firstSteps.get(a.text) ?? 0) > 1)
      .map((a) => `${a.text} ×${firstSteps.get(a.text)}`);

    for (const a of actions.filter((x) => x.outcome === 'lost'))
      a.detail = `${a.detail ?? ''}; the model saw it ${firstSteps.get(a.text) ?? 0} time(s)`;
    await bridge.stop();
    if (actions.some((a) => a.outcome === 'lost')) {
      const file = path.join(os.tmpdir(), `soak-bridge-${Date.now()}.log`);
      await writeFile(file, bridge.lines.join('\n'));
      faults.push(`the bridge's log is in ${file}`);
    }
    const heldLine = bridge.lines.find((l) => l.includes('Held at stop:')) ?? '';
    const held = (/Held at stop: (.*)\.$/.exec(heldLine)?.[1] ?? '')
      .split(', ')
      .map((pair) => {
        const at = pair.lastIndexOf(' ');
        return [pair.slice(0, at), Number(pair.slice(at + 1))] as [string, number];
      })
      .filter(([name]) => name)
      .sort((x, y) => y[1] - x[1]);

    const counts = {} as SoakResult['counts'];
    for (const kind of new Set(CYCLE)) {
      counts[kind] = { answered: 0, interrupted: 0, refused: 0, lost: 0 };
      for (const a of actions.filter((x) => x.kind === kind)) counts[kind][a.outcome] += 1;
    }
    return {
      config,
      seconds,
      actions,
      counts,
      duplicatedPrompts,
      rateLimited: telegram.rateLimitHits().length - hitsBefore,
      rssStartMb: rssStart / 1024,
      rssEndMb: rssEnd / 1024,
      rssMaxMb: Math.max(rssMax, rssEnd) / 1024,
      held,
      faults,
    };
  } finally {
    telegram.setOutage(false);
    await bridge.stop();
  }
}

/** One user action in one place, waited for until the bridge has answered it in full. */
async function act(b: Bench, place: Place, kind: Kind, seq: number): Promise<Action> {
  const { telegram } = b;
  const shown = (): MessageView[] =>
    telegram.messages(place.chatId, place.threadId).filter((m) => m.fromBot);
  const before = shown().length;
  const fresh = () => shown().slice(before);
  const text =
    kind === 'stream'
      ? `${prompts.stream(300 + ((seq * 97) % 1200), { tps: 80 })} soak ${seq}`
      : kind === 'bash'
        ? prompts.bash(`echo soak-${seq}`)
        : kind === 'question'
          ? `${prompts.question()} soak ${seq}`
          : '/status';
  const action: Action = { place: place.name, kind, text, outcome: 'lost' };
  const { chatId, threadId, from } = place;
  telegram.userSendsText({ from, chatId, ...(threadId ? { threadId } : {}), text });
  const wait = <T>(predicate: () => T | undefined | false) =>
    telegram.waitFor(predicate, { timeoutMs: ACTION_TIMEOUT_MS }).catch(() => undefined);
  try {
    if (kind === 'status') {
      if (await wait(() => fresh().find((m) => /Project|Session|session/.test(m.text ?? ''))))
        action.outcome = 'answered';
      return action;
    }
    let answer = expectedReply(text);
    if (kind === 'bash' || kind === 'question') {
      const label = kind === 'bash' ? 'Once' : 'Red';
      const prompt = await wait(() =>
        fresh().find((m) => buttonData(m, label) !== undefined || isNotice(m)),
      );
      const data = prompt && buttonData(prompt, label);
      if (data !== undefined)
        telegram.userPressesButton({ from, chatId, messageId: prompt!.messageId, data });
      if (kind === 'question') answer = expectedReply(text, { answers: [['Red']] });
    }
    const notice = await wait(() => fresh().find((m) => isNotice(m) || refused(m)));
    if (!notice) action.detail = 'no notice';
    else if (refused(notice)) action.outcome = 'refused';
    else if (/^⚠️ Interrupted/u.test(notice.text ?? '')) {
      action.outcome = 'interrupted';
      action.detail = `${Math.round((notice.history[0]?.at ?? 0) / 1000) % 100_000}: ${fresh()
        .map((m) => m.plainText.slice(0, 60))
        .join(' | ')}`;
    } else if (fresh().some((m) => m.plainText === answer || m.plainText.endsWith(`\n\n${answer}`)))
      action.outcome = 'answered';
    else action.detail = `notice "${notice.text?.slice(0, 80)}" without the whole answer`;
    return action;
  } catch (error) {
    action.detail = String(error);
    return action;
  }
}

const refused = (m: MessageView): boolean => /did not reach OpenCode/.test(m.text ?? '');

function buttonData(m: MessageView, label: string): string | undefined {
  const button = (m.replyMarkup?.inline_keyboard ?? []).flat().find((x) => x.text.includes(label));
  return button && 'callback_data' in button ? button.callback_data : undefined;
}
