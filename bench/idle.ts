// Idle footprint: the headless bridge (a child process, as `npm run bridge` runs it) connected to
// Telegram (long polling) and OpenCode (event stream) with nothing to do. CPU% and RSS come from
// /proc/<pid>/stat and /proc/<pid>/status of that child.
import { type Bench, procSample, sleep, startBridge } from './e2e';

export interface IdleResult {
  seconds: number;
  cpuPercent: number;
  cpuSecondHalfPercent: number;
  /** CPU% in each 5 s window, in order. */
  cpuWindows: number[];
  rssMb: number;
  rssMaxMb: number;
  /** getUpdates long polls and other Bot API calls while idle. */
  telegramCalls: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const HZ = 100;

export async function runIdle(b: Bench, seconds: number): Promise<IdleResult> {
  const bridge = await startBridge(b);
  try {
    const pid = bridge.child.pid;
    if (pid === undefined) throw new Error('idle: the bridge has no pid');
    // Let start-up work (command menu, first poll, resync) settle first.
    await sleep(5000);
    const callsBefore = b.telegram.calls().length;
    const start = await procSample(pid);
    const t0 = Date.now();
    let rssMax = start.rssKb;
    const windows: { at: number; ticks: number }[] = [{ at: t0, ticks: start.ticks }];
    while (Date.now() - t0 < seconds * 1000) {
      await sleep(Math.min(5000, seconds * 1000 - (Date.now() - t0)));
      const sample = await procSample(pid);
      rssMax = Math.max(rssMax, sample.rssKb);
      windows.push({ at: Date.now(), ticks: sample.ticks });
    }
    const end = await procSample(pid);
    const wall = (Date.now() - t0) / 1000;
    const cpu = (a: { at: number; ticks: number }, z: { at: number; ticks: number }) =>
      ((z.ticks - a.ticks) / HZ / ((z.at - a.at) / 1000)) * 100;
    // The second half alone: start-up leftovers (V8 shrinking the heap, lazy compiles) are over.
    const half = windows.find((w) => w.at - t0 >= (seconds * 1000) / 2) ?? windows[0]!;
    return {
      seconds: wall,
      cpuPercent: cpu({ at: t0, ticks: start.ticks }, { at: Date.now(), ticks: end.ticks }),
      cpuSecondHalfPercent: cpu(half, windows.at(-1)!),
      cpuWindows: windows.slice(1).map((w, i) => Math.round(cpu(windows[i]!, w) * 100) / 100),
      rssMb: end.rssKb / 1024,
      rssMaxMb: rssMax / 1024,
      telegramCalls: b.telegram.calls().length - callsBefore,
    };
  } finally {
    await bridge.stop();
  }
}
