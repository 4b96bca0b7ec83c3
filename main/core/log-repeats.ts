// Floods of one log line (10,000 updates from a stranger, a server repeating one error) are
// counted instead of logged each time, so they cannot push the lines that matter out of a capped
// log. Pure: the caller supplies the clock through the entries' times and through `flush(now)`.
import type { LogEntry } from './status';

export interface RepeatOptions {
  /** How long one count runs before its summary line; default 60 s. */
  windowMs?: number;
  /** Lines of one kind shown per window before the rest are only counted; default 20. */
  shown?: number;
}

interface Run {
  first: LogEntry;
  ends: number;
  seen: number;
  hidden: number;
}

/** Lines of one kind: same level, scope and words; the numbers in them (ids, counts) may differ. */
export function kindOf(entry: LogEntry): string {
  return `${entry.level} ${entry.scope} ${entry.message.replace(/\d+/g, '#')}`;
}

export class RepeatCounter {
  private readonly windowMs: number;
  private readonly shown: number;
  /** One run per kind seen within the last window: a flood costs one entry, not one per line. */
  private readonly runs = new Map<string, Run>();

  constructor(options: RepeatOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.shown = options.shown ?? 20;
  }

  /** The lines to log now for this entry: itself unless it is a repeat, after any due summaries. */
  add(entry: LogEntry): LogEntry[] {
    const out = this.flush(entry.time);
    const kind = kindOf(entry);
    const run = this.runs.get(kind);
    if (!run) {
      this.runs.set(kind, { first: entry, ends: entry.time + this.windowMs, seen: 1, hidden: 0 });
      out.push(entry);
    } else if (++run.seen <= this.shown) {
      out.push(entry);
    } else {
      run.hidden += 1;
    }
    return out;
  }

  /** Summaries of the runs whose window has ended by `now`, e.g. "… (×9,980 more like this in 60 s)". */
  flush(now: number): LogEntry[] {
    const out: LogEntry[] = [];
    for (const [kind, run] of this.runs) {
      if (run.ends > now) continue;
      this.runs.delete(kind);
      if (run.hidden > 0) out.push(summary(run, run.ends, this.windowMs));
    }
    return out;
  }

  /** Every pending summary, at once (on stop). */
  drain(now: number): LogEntry[] {
    const out: LogEntry[] = [];
    for (const run of this.runs.values()) {
      if (run.hidden > 0) out.push(summary(run, now, now - run.first.time));
    }
    this.runs.clear();
    return out;
  }
}

function summary(run: Run, time: number, spanMs: number): LogEntry {
  const count = run.hidden.toLocaleString('en-US');
  const seconds = Math.max(1, Math.round(spanMs / 1000));
  return {
    time,
    level: run.first.level,
    scope: run.first.scope,
    message: `${run.first.message} (×${count} more like this in ${seconds} s)`,
  };
}
