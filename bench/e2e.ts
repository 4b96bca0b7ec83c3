// The end-to-end setup the staleness, load and idle benchmarks share: the scripted model, the real
// `opencode serve`, the fake Bot API (default rate limits ON) and the headless bridge as a child
// process, exactly as the e2e tests run them.
import { startBridge as spawnBridge, type BridgeProcess } from '../test/support/bridge-process';
import type { MessageView } from '../test/support/fake-telegram';
import { type Bench, bridgeEnv, startBench, tempDir, untilConnected } from '../test/e2e/bench';

export { OWNER } from '../test/e2e/bench';
export type { Bench, BridgeProcess };

let shared: Promise<Bench> | undefined;

/** One bench for the whole run (starting OpenCode costs seconds); closed by closeBench(). */
export function bench(): Promise<Bench> {
  shared ??= startBench();
  return shared;
}

export async function closeBench(): Promise<void> {
  if (shared) await (await shared).close();
  shared = undefined;
}

export async function startBridge(b: Bench, extra: Record<string, string> = {}) {
  const stateDir = await tempDir('bench-bridge-');
  return untilConnected(
    spawnBridge(bridgeEnv(b, stateDir, { BRIDGE_LOG_LEVEL: 'info', ...extra })),
  );
}

/** The answer text a version of the live message shows, without the "working…" status line. */
export function shownAnswer(text: string | undefined): string {
  return (text ?? '').replace(/\n*⏳ working…$/u, '').replace(/^…\n?/u, '');
}

export const isNotice = (m: MessageView): boolean => /^(✅|⚠️|⏹)/u.test(m.text ?? '');

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU ticks (utime + stime) and RSS of a process, from /proc. */
export async function procSample(pid: number): Promise<{ ticks: number; rssKb: number }> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { ticks, rssKb };
}
