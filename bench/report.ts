// The benchmark report: the machine it ran on, one table per measurement with its target, and
// the files in bench/results/ (dated markdown + JSON, plus latest.md for the README).
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  opencode: string;
  /** 1-minute load average at the start and the end of the run (other work on the machine). */
  loadStart: number;
  loadEnd?: number;
}

export function machine(opencode: string): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    opencode,
    loadStart: round(os.loadavg()[0] ?? 0, 2),
  };
}

export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export type Verdict = 'met' | 'missed' | 'n/a';

/** One row: a figure, its unit, and the target it is judged against (if any). */
export interface Figure {
  name: string;
  value: number | string;
  unit?: string;
  target?: string;
  verdict?: Verdict;
}

export interface Section {
  id: string;
  title: string;
  /** How it was measured, one paragraph. */
  method: string;
  figures: Figure[];
  /** Extra tables (growth series), each with a header row. */
  tables?: { title: string; header: string[]; rows: (string | number)[][] }[];
  /** SVG charts written next to the report: file name → svg text. */
  charts?: { file: string; title: string; svg: string }[];
  notes?: string[];
}

export interface Report {
  date: string;
  mode: 'full' | 'quick';
  commit: string;
  machine: Machine;
  durationS: number;
  sections: Section[];
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? NaN;
}

export function judge(ok: boolean): Verdict {
  return ok ? 'met' : 'missed';
}

const mark = (v: Verdict | undefined): string =>
  v === 'met' ? '✅ met' : v === 'missed' ? '❌ missed' : '';

function mdTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function fmt(value: number | string): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(value);
}

export function toMarkdown(report: Report): string {
  const m = report.machine;
  const out: string[] = [
    `# OpenCode Bridge benchmarks — ${report.date}`,
    '',
    `Reproduce with \`npm run bench\` (add \`--quick\` for a short run, \`--only pipeline,idle\` for some).`,
    '',
    mdTable(
      ['Machine', ''],
      [
        ['CPU', `${m.cpu} (${m.cores} cores)`],
        ['RAM', `${m.ramGb} GB`],
        ['OS', m.os],
        ['Node', m.node],
        ['OpenCode', m.opencode],
        [
          'Load average (1 min) at start / end',
          `${m.loadStart} / ${m.loadEnd ?? '?'} (other work shared the machine)`,
        ],
        ['Mode / commit / duration', `${report.mode} / ${report.commit} / ${report.durationS} s`],
      ],
    ),
  ];
  for (const s of report.sections) {
    out.push('', `## ${s.title}`, '', s.method, '');
    out.push(
      mdTable(
        ['Figure', 'Value', 'Target', ''],
        s.figures.map((f) => [
          f.name,
          `${fmt(f.value)}${f.unit ? ` ${f.unit}` : ''}`,
          f.target ?? '',
          mark(f.verdict),
        ]),
      ),
    );
    for (const t of s.tables ?? []) out.push('', `**${t.title}**`, '', mdTable(t.header, t.rows));
    for (const c of s.charts ?? []) out.push('', `![${c.title}](${c.file})`);
    if (s.notes?.length) out.push('', ...s.notes.map((n) => `- ${n}`));
  }
  return `${out.join('\n')}\n`;
}

/** The console version: one aligned table per section. */
export function toConsole(report: Report): string {
  const lines: string[] = [];
  for (const s of report.sections) {
    lines.push('', `== ${s.title}`);
    const rows = s.figures.map((f) => [
      f.name,
      `${fmt(f.value)}${f.unit ? ` ${f.unit}` : ''}`,
      f.target ?? '',
      mark(f.verdict),
    ]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    for (const r of rows)
      lines.push(`  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
    for (const t of s.tables ?? []) {
      lines.push(`  -- ${t.title}`);
      const all = [t.header, ...t.rows.map((r) => r.map(fmt))];
      const w = t.header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
      for (const r of all)
        lines.push(`    ${r.map((c, i) => String(c).padEnd(w[i] ?? 0)).join('  ')}`);
    }
  }
  return lines.join('\n');
}

/**
 * Writes the dated markdown + JSON and, for a complete full run, the charts and latest.md (which
 * the README shows: a partial `--only` run must not replace it with fewer sections); returns the
 * paths.
 */
export async function writeReport(report: Report, complete: boolean): Promise<string[]> {
  const published = report.mode === 'full' && complete;
  await mkdir(resultsDir, { recursive: true });
  const stamp = report.date.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const base = `${stamp}${report.mode === 'quick' ? '-quick' : ''}`;
  const md = toMarkdown(report);
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    const file = path.join(resultsDir, name);
    await writeFile(file, text);
    files.push(file);
  };
  // Charts have fixed names (latest.md shows them).
  if (published)
    for (const s of report.sections) for (const c of s.charts ?? []) await put(c.file, c.svg);
  await put(`${base}.md`, md);
  const json = {
    ...report,
    sections: report.sections.map((s) => ({ ...s, charts: s.charts?.map((c) => c.file) })),
  };
  await put(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  // Quick and partial runs are for development: they never replace the published figures.
  if (published) await put('latest.md', md);
  return files;
}
