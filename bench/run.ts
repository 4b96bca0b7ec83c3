// `npm run bench`: the bridge's performance figures, printed as tables and written to
// bench/results/ (dated markdown + JSON, latest.md for the README, SVG charts).
//   --quick            short versions of everything (development; not for publishing)
//   --only a,b         some of: pipeline, render, staleness, load, idle, soak (not written to latest.md)
//   --soak-minutes N   how long the soak runs (default 10; 2 with --quick)
import os from 'node:os';
import { opencodeVersion } from '../test/support/opencode';
import { lineChart } from './chart';
import { bench, closeBench } from './e2e';
import { renderCosts } from './growth';
import { runIdle } from './idle';
import { runLoad } from './load';
import { soakSection } from './soak-section';
import { type PipelineConfig, type PipelineResult, runPipeline } from './pipeline';
import {
  type Figure,
  type Report,
  type Section,
  gitCommit,
  judge,
  machine,
  round,
  toConsole,
  writeReport,
} from './report';
import { runStaleness } from './staleness';
import { draftsSection } from './drafts-section';

const ALL = ['pipeline', 'render', 'idle', 'staleness', 'load', 'soak'] as const;
type Part = (typeof ALL)[number];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args[args.indexOf('--only') + 1];
const only = new Set<Part>(
  args.includes('--only') && onlyArg
    ? (onlyArg.split(',').map((s) => s.trim()) as Part[])
    : [...ALL],
);
for (const p of only) if (!ALL.includes(p)) throw new Error(`--only: unknown part ${p}`);
const soakMinutes = args.includes('--soak-minutes')
  ? Number(args[args.indexOf('--soak-minutes') + 1])
  : quick
    ? 2
    : 10;
if (!(soakMinutes > 0)) throw new Error('--soak-minutes: give a number of minutes, e.g. 10');

const EDIT_INTERVAL_MS = 1000;
const log = (m: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

const Q = {
  pipelineEvents: quick ? 20_000 : 100_000,
  pipelineSessions: quick ? [1, 5, 20] : [1, 5, 20, 50],
  pipelineLengths: quick ? [1000, 10_000] : [1000, 10_000, 50_000],
  renderLengths: [1000, 10_000, 50_000, 100_000],
  idleS: quick ? 15 : 60,
  staleness: quick
    ? [
        { chars: 1000, tps: 50 },
        { chars: 3000, tps: 50 },
        { chars: 10_000, tps: 250 },
      ]
    : [
        { chars: 1000, tps: 50 },
        { chars: 12_000, tps: 50 },
        { chars: 50_000, tps: 250 },
      ],
  /** The headline staleness run: ~50 tokens/s for 60 s (15 s in quick mode). */
  stalenessMain: quick ? 3000 : 12_000,
  load: quick
    ? { streams: 4, approvals: 2, chars: 1000, tps: 50, idleAfterS: 10 }
    : { streams: 20, approvals: 4, chars: 3000, tps: 50, idleAfterS: 30 },
};

async function pipelineSections(): Promise<Section[]> {
  const sections: Section[] = [];
  const base: PipelineConfig = {
    events: Q.pipelineEvents,
    sessions: 20,
    answerChars: 4000,
    paced: false,
  };
  log(`pipeline: ${base.events} events, 20 sessions (unpaced, then paced)`);
  const main = await runPipeline(base);
  const paced = await runPipeline({ ...base, paced: true });
  const bySessions: PipelineResult[] = [];
  for (const sessions of Q.pipelineSessions) {
    log(`pipeline growth: ${sessions} sessions`);
    bySessions.push(sessions === 20 ? main : await runPipeline({ ...base, sessions }));
  }
  const byLength: PipelineResult[] = [];
  for (const answerChars of Q.pipelineLengths) {
    log(`pipeline growth: ${answerChars}-char answers`);
    byLength.push(await runPipeline({ ...base, sessions: 5, answerChars }));
  }
  const throughput = (mode: 'unpaced' | 'paced', r: PipelineResult): Figure => ({
    name: `Throughput (${mode}, ${r.config.sessions} sessions)`,
    value: Math.round(r.eventsPerSecond),
    unit: 'events/s',
    target: '≥ 20,000 events/s',
    verdict: judge(r.eventsPerSecond >= 20_000),
  });
  const calls = (r: PipelineResult) =>
    Object.entries(r.telegramCalls)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ');
  const row = (label: string | number, r: PipelineResult) => [
    label,
    r.events,
    Math.round(r.eventsPerSecond),
    round(r.cpuMsPer1kEvents),
    round(r.peakRssMb),
    r.telegramCalls['editMessageText'] ?? 0,
    `${r.finalsDelivered}/${r.turns}`,
  ];
  const header = [
    '',
    'events',
    'events/s',
    'CPU ms / 1k events',
    'peak RSS MB',
    'live edits',
    'finals delivered',
  ];
  sections.push({
    id: 'pipeline',
    title: '1. Pipeline throughput (in-process, Telegram stubbed)',
    method:
      `${main.events.toLocaleString('en-US')} OpenCode events (${main.deltas.toLocaleString('en-US')} text deltas, ` +
      `${main.permissionPrompts} permission/question prompts, ${main.turns} turns over 20 sessions), expanded from the real ` +
      'captures in test/fixtures/opencode-events, served as fast as possible by a local HTTP server and read by the real ' +
      '`EventStream` (fetch + eventsource-parser) in a separate process, routed by `sessionIdOf` → `TurnRegistry`/`LiveTurn` ' +
      'and the permission/question features, rendered (`renderLive`, `renderFinal`) and sent through the real outbox to a ' +
      'grammY `Api` whose transformer answers at once. "Unpaced" turns every rate limit off, so the outbox renders and ' +
      'sends as often as it can (worst case for rendering, and every final answer is delivered); "paced" keeps the ' +
      "bridge's real 1 message/s per chat, so most deltas coalesce and the backlog is left unsent. Events/s and CPU are " +
      'taken from the first to the last event; CPU is `process.cpuUsage()` of the measured process (all its threads).',
    figures: [
      throughput('unpaced', main),
      { name: 'CPU per 1,000 events (unpaced)', value: round(main.cpuMsPer1kEvents), unit: 'ms' },
      { name: 'CPU share while streaming (1.0 = one core)', value: round(main.cpuShare, 2) },
      { name: 'Peak RSS (unpaced)', value: round(main.peakRssMb), unit: 'MB' },
      { name: 'Telegram calls (unpaced)', value: calls(main) },
      {
        name: 'Final answers delivered (unpaced)',
        value: `${main.finalsDelivered} of ${main.turns}`,
        verdict: judge(main.finalsDelivered === main.turns),
      },
      {
        name: 'Turns wrongly "picked up from the previous run" (unpaced / paced)',
        value: `${main.resumed} / ${paced.resumed} of ${main.turns}`,
        target: '0',
        verdict: judge(main.resumed + paced.resumed === 0),
      },
      throughput('paced', paced),
      { name: 'CPU per 1,000 events (paced)', value: round(paced.cpuMsPer1kEvents), unit: 'ms' },
      { name: 'Peak RSS (paced)', value: round(paced.peakRssMb), unit: 'MB' },
      {
        name: 'Telegram calls sent / left queued (paced)',
        value: `${Object.values(paced.telegramCalls).reduce((a, n) => a + n, 0)} / ${paced.backlog}`,
      },
    ],
    tables: [
      {
        title: `Growth with the number of sessions (unpaced, ${base.answerChars}-char answers)`,
        header: ['sessions', ...header.slice(1)],
        rows: bySessions.map((r) => row(r.config.sessions, r)),
      },
      {
        title: 'Growth with the answer length (unpaced, 5 sessions)',
        header: ['answer chars', ...header.slice(1)],
        rows: byLength.map((r) => row(r.config.answerChars, r)),
      },
    ],
    charts: [
      {
        file: 'pipeline-growth.svg',
        title: 'Pipeline throughput',
        svg: lineChart({
          title: 'Pipeline throughput vs number of sessions (unpaced)',
          xLabel: 'sessions streaming at once',
          yLabel: 'events / s',
          x: bySessions.map((r) => r.config.sessions),
          series: [
            { name: 'events/s', values: bySessions.map((r) => Math.round(r.eventsPerSecond)) },
          ],
          target: { value: 20_000, label: 'target 20,000 events/s' },
        }),
      },
    ],
    notes: [
      ...(main.resumed + paced.resumed > 0
        ? [
            'Bug (main/core/turn/turns.ts): when a session starts its next turn while the previous turn is still ' +
              'delivering its final answer (Telegram pacing, a slow state write, a queued prompt, a desk user typing ' +
              'fast), `onEvent` → `resumePersisted` finds the previous turn’s record in `state.turns` and "picks up ' +
              'the turn left by the previous run": the new turn is rendered into the old reply message (overwriting ' +
              'the previous answer on the phone), costs an extra `GET /session/:id/message` (catchUp), and the old ' +
              'turn’s `finish` then deletes the new turn’s record. Fix: remember the reply message ids of this run’s ' +
              'turns (set in `onMessageId`/`existingMessageId`), skip those records in `resumePersisted`, and in ' +
              '`finish` delete `state.turns[sessionId]` only if its `messageId` is the finished turn’s.',
          ]
        : []),
      ...[...main.errors, ...paced.errors].slice(0, 5).map((e) => `Logged error: ${e}`),
    ],
  });
  return sections;
}

function renderSection(): Section {
  log('render cost vs answer length');
  const costs = renderCosts(Q.renderLengths);
  return {
    id: 'render',
    title: '5a. Growth: render cost per edit vs answer length',
    method:
      'Time of one `renderLive` (the live message: the answer as Telegram HTML, cut to its last 4096 ' +
      'characters) and one `renderFinal` (split into ≤ 4096-character messages) on an answer built from 12-character ' +
      'deltas, averaged over ≥ 300 ms. The live render runs at most once per edit interval per chat.',
    figures: costs.map((c) => ({
      name: `renderLive at ${c.chars.toLocaleString('en-US')} chars`,
      value: round(c.liveMs, 2),
      unit: 'ms',
    })),
    tables: [
      {
        title: 'Render cost',
        header: ['answer chars', 'renderLive ms', 'renderFinal ms', 'final messages'],
        rows: costs.map((c) => [c.chars, round(c.liveMs, 2), round(c.finalMs, 2), c.finalMessages]),
      },
    ],
    notes: [
      '`renderLive` converts the whole answer (Markdown → HTML, a few ms at 100k characters) but lays out only ' +
        'its tail for the cut (`truncateForStreaming`, main/core/telegram/format/truncate.ts): the last ~2 × 4096 raw ' +
        'characters, moved out of any tag, entity or surrogate pair, with the tags open there found by a tags-only ' +
        'scan of the head. The result is the same string as laying out the whole answer (checked in ' +
        'test/format/properties.test.ts); before, one object per visible character made it 81 ms per edit at 100k.',
      '`renderFinal` runs once per turn and lays out the whole answer to split it into messages.',
    ],
    charts: [
      {
        file: 'render-growth.svg',
        title: 'Render cost per edit',
        svg: lineChart({
          title: 'Render cost vs answer length',
          xLabel: 'answer length (characters)',
          yLabel: 'ms per render',
          x: costs.map((c) => c.chars.toLocaleString('en-US')),
          series: [
            { name: 'renderLive (each live edit)', values: costs.map((c) => round(c.liveMs, 2)) },
            { name: 'renderFinal (once per turn)', values: costs.map((c) => round(c.finalMs, 2)) },
          ],
        }),
      },
    ],
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const report: Report = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    commit: gitCommit(),
    machine: machine(await opencodeVersion()),
    durationS: 0,
    sections: [],
  };
  log(
    `${quick ? 'quick' : 'full'} run: ${[...only].join(', ')}; load average ${report.machine.loadStart}`,
  );
  try {
    if (only.has('pipeline')) report.sections.push(...(await pipelineSections()));
    if (only.has('render')) report.sections.push(renderSection());
    const e2e = ['idle', 'staleness', 'load', 'soak'].some((p) => only.has(p as Part));
    if (e2e) log('starting the scripted model, opencode serve and the fake Bot API');
    const b = e2e ? await bench() : undefined;
    if (b && only.has('idle')) report.sections.push(await idleSection(b));
    if (b && only.has('staleness')) report.sections.push(await stalenessSection(b));
    if (b && only.has('staleness'))
      report.sections.push(await draftsSection(b, { chars: Q.stalenessMain, tps: 50 }, log));
    if (b && only.has('load')) report.sections.push(await loadSection(b));
    // Last: it restarts the shared OpenCode.
    if (b && only.has('soak')) {
      log(
        `soak: ${soakMinutes} min, 5 chats and 3 topics, OpenCode restarted and Telegram cut off twice`,
      );
      report.sections.push(await soakSection(b, soakMinutes));
    }
  } finally {
    await closeBench();
  }
  report.machine.loadEnd = round(os.loadavg()[0] ?? 0, 2);
  report.durationS = Math.round((Date.now() - started) / 1000);
  console.log(toConsole(report));
  const files = await writeReport(report, only.size === ALL.length);
  log(`wrote ${files.join(', ')}`);
}

async function idleSection(b: Awaited<ReturnType<typeof bench>>): Promise<Section> {
  log(`idle: ${Q.idleS} s`);
  const r = await runIdle(b, Q.idleS);
  return {
    id: 'idle',
    title: '4. Idle footprint',
    method:
      `The headless bridge as \`npm run bridge\` runs it (node --import tsx main/cli.ts, a child process), connected to ` +
      `the fake Bot API (long polling) and OpenCode (event stream), idle for ${round(r.seconds)} s after a 5 s settle. ` +
      'CPU from utime+stime in /proc/<pid>/stat, RSS from VmRSS in /proc/<pid>/status.',
    figures: [
      {
        name: 'CPU',
        value: round(r.cpuPercent, 2),
        unit: '%',
        target: '< 0.5 %',
        verdict: judge(r.cpuPercent < 0.5),
      },
      {
        name: 'CPU, second half only',
        value: round(r.cpuSecondHalfPercent, 2),
        unit: '%',
        target: '< 0.5 %',
        verdict: judge(r.cpuSecondHalfPercent < 0.5),
      },
      { name: 'CPU % per 5 s window', value: r.cpuWindows.join(' · ') },
      {
        name: 'RSS at the end',
        value: round(r.rssMb),
        unit: 'MB',
        target: '< 100 MB',
        verdict: judge(r.rssMb < 100),
      },
      { name: 'RSS max while idle', value: round(r.rssMaxMb), unit: 'MB' },
      { name: 'Bot API calls while idle (long polls)', value: r.telegramCalls },
    ],
  };
}

async function stalenessSection(b: Awaited<ReturnType<typeof bench>>): Promise<Section> {
  const results = [];
  for (const c of Q.staleness) {
    log(`staleness: ${c.chars} chars at ${c.tps} tokens/s`);
    results.push(await runStaleness(b, c));
  }
  const main = results.find((r) => r.config.chars === Q.stalenessMain) ?? results[0]!;
  const allowed = Math.ceil(main.streamSeconds / (EDIT_INTERVAL_MS / 1000)) + 3;
  return {
    id: 'staleness',
    title: '2. Staleness: how far the phone lags behind the model',
    method:
      `The scripted model streams ${main.config.chars.toLocaleString('en-US')} characters at ~${main.config.tps} tokens/s ` +
      `(1 token ≈ 4 characters, ${round(main.streamSeconds)} s) through the real OpenCode ${report_opencode} and the headless ` +
      `bridge (child process, edit interval ${EDIT_INTERVAL_MS} ms) into the fake Bot API with its default rate limits. ` +
      'The model server stamps each chunk it writes; the fake keeps every version of the reply message with its time. ' +
      "Staleness of a chunk = first version showing at least that much of the answer − the chunk's time.",
    figures: [
      { name: 'Staleness p50', value: Math.round(main.p50Ms), unit: 'ms' },
      {
        name: 'Staleness p95',
        value: Math.round(main.p95Ms),
        unit: 'ms',
        target: `≤ ${EDIT_INTERVAL_MS + 250} ms (interval + 250)`,
        verdict: judge(main.p95Ms <= EDIT_INTERVAL_MS + 250),
      },
      { name: 'Staleness max', value: Math.round(main.maxMs), unit: 'ms' },
      {
        name: 'First text on the phone after the first chunk',
        value: Math.round(main.firstTextMs),
        unit: 'ms',
      },
      {
        name: 'Complete answer after the last chunk',
        value: Math.round(main.completeMs),
        unit: 'ms',
      },
      {
        name: 'Telegram message calls for the turn',
        value: main.messageCalls,
        target: `≤ ${allowed} (ceil(duration / interval) + 3)`,
        verdict: judge(main.messageCalls <= allowed),
      },
      {
        name: 'of which live edits / final answer messages',
        value: `${main.liveEdits} / ${main.finalMessages} (plus the placeholder and the notice)`,
      },
      { name: 'Typing actions for the turn', value: main.chatActions },
      {
        name: '429 answers',
        value: main.rateLimited,
        target: '0',
        verdict: judge(main.rateLimited === 0),
      },
      {
        name: 'Final answer exactly the model’s text',
        value: main.answerCorrect ? 'yes' : 'no',
        verdict: judge(main.answerCorrect),
      },
    ],
    tables: [
      {
        title: 'Growth with the answer length (and the token rate)',
        header: [
          'answer chars',
          'tokens/s',
          'stream s',
          'p50 ms',
          'p95 ms',
          'max ms',
          'message calls',
          'live edits',
          'allowed',
          '429s',
          'complete',
        ],
        rows: results.map((r) => [
          r.config.chars,
          r.config.tps,
          round(r.streamSeconds),
          Math.round(r.p50Ms),
          Math.round(r.p95Ms),
          Math.round(r.maxMs),
          r.messageCalls,
          r.liveEdits,
          Math.ceil(r.streamSeconds) + 3,
          r.rateLimited,
          r.answerCorrect ? 'yes' : 'no',
        ]),
      },
    ],
    notes: [
      `Live edits: ${main.liveEdits} during a ${round(main.streamSeconds)} s stream, i.e. at most one per edit ` +
        `interval. The turn's other calls are the placeholder reply, the notice and the final answer, which takes ` +
        `${main.finalMessages} message(s): Telegram's 4,096-character limit means an answer of ` +
        `${main.config.chars.toLocaleString('en-US')} characters needs ${main.finalMessages}, and ` +
        'ceil(duration / interval) + 3 only budgets one. Any overage above is exactly those continuation messages.',
      ...results
        .filter((r) => r.unmatched > 0)
        .map(
          (r) =>
            `${r.config.chars}-character run: ${r.unmatched} chunk(s) could not be located in any version shown ` +
            '(left out of the percentiles).',
        ),
    ],
    charts: [
      {
        file: 'staleness-growth.svg',
        title: 'Staleness vs answer length',
        svg: lineChart({
          title: 'Phone staleness vs answer length',
          xLabel: 'answer length (characters, tokens/s)',
          yLabel: 'ms behind the model',
          x: results.map((r) => `${r.config.chars.toLocaleString('en-US')} @${r.config.tps}`),
          series: [
            { name: 'p50', values: results.map((r) => Math.round(r.p50Ms)) },
            { name: 'p95', values: results.map((r) => Math.round(r.p95Ms)) },
          ],
          target: { value: EDIT_INTERVAL_MS + 250, label: 'target p95' },
        }),
      },
    ],
  };
}

let report_opencode = '';

async function loadSection(b: Awaited<ReturnType<typeof bench>>): Promise<Section> {
  const c = Q.load;
  log(`load: ${c.streams} streaming topics + ${c.approvals} permission prompts in one group`);
  const r = await runLoad(b, c);
  return {
    id: 'load',
    title: `3. Load: ${c.streams} sessions streaming at once in ${c.streams} topics of one group, with permission prompts`,
    method:
      `One forum group, ${c.streams + c.approvals} topics opened with \`/new <title>\` in General. ${c.streams} topics ` +
      `each stream ${c.chars.toLocaleString('en-US')}+ characters at ${c.tps} tokens/s, all at once; meanwhile ${c.approvals} other topics ` +
      'ask to run `echo nK` (a permission prompt every 2 s), and the user taps Once as soon as the prompt shows. ' +
      'Prompt latency = the prompt message appearing in the fake − `permission.asked` seen on OpenCode’s ' +
      '/global/event (subscribeGlobalEvents). The fake enforces Telegram’s limits on message sends and edits (1 msg/s ' +
      'per chat with a burst of 3, 20 per minute per group, 30/s per bot); in a group the outbox lets prompts and ' +
      'finals take every slot of the minute, replies all but 4, and paces streaming edits evenly over what is left ' +
      'after what is queued plus 4.',
    figures: [
      {
        name: '429 answers',
        value: r.rateLimited,
        target: '0',
        verdict: judge(r.rateLimited === 0),
      },
      { name: 'Permission prompt latency p50', value: Math.round(r.promptP50Ms), unit: 'ms' },
      {
        name: 'Permission prompt latency p95',
        value: Math.round(r.promptP95Ms),
        unit: 'ms',
        target: '< 1,500 ms',
        verdict: judge(r.promptP95Ms < 1500),
      },
      { name: 'Permission prompt latency max', value: Math.round(r.promptMaxMs), unit: 'ms' },
      {
        name: 'Final answers complete',
        value: `${r.answersComplete} of ${r.answersExpected}`,
        target: 'all',
        verdict: judge(r.answersComplete === r.answersExpected),
      },
      { name: 'Opening the topics', value: round(r.topicsSeconds), unit: 's' },
      { name: 'From the prompts sent to the last notice', value: round(r.turnsSeconds), unit: 's' },
      {
        name: 'Flood-limited calls in the group, 429s included (whole run)',
        value: r.groupCalls,
        unit: `(${round(r.groupCalls / ((r.topicsSeconds + r.turnsSeconds) / 60), 1)} per minute)`,
      },
      {
        name: 'Model’s last chunk → complete answer, p50',
        value: Math.round(r.finalLagP50Ms),
        unit: 'ms',
      },
      {
        name: 'Model’s last chunk → complete answer, max',
        value: Math.round(r.finalLagMaxMs),
        unit: 'ms',
      },
      { name: 'Live edits per streaming topic (mean)', value: round(r.liveEditsPerStreamTopic, 1) },
      ...(r.idleAfter
        ? [
            {
              name: `Same bridge idle ${c.idleAfterS} s afterwards: CPU`,
              value: round(r.idleAfter.cpuPercent, 2),
              unit: '%',
              target: '< 0.5 %',
              verdict: judge(r.idleAfter.cpuPercent < 0.5),
            },
            {
              name: 'Same bridge idle afterwards: RSS',
              value: round(r.idleAfter.rssMb),
              unit: 'MB',
              target: '< 100 MB',
              verdict: judge(r.idleAfter.rssMb < 100),
            },
          ]
        : []),
    ],
    tables: [
      {
        title: 'Each permission prompt',
        header: ['prompt', 'permission.asked → on the phone (ms)'],
        rows: r.promptLatencyMs.map((ms, i) => [`echo n${i + 1}`, Math.round(ms)]),
      },
    ],
    notes: [
      ...r.rateLimitHits.map((h) => `429: ${h}`),
      `Telegram allows 20 messages a minute in a group. This run needs at least ${2 * (c.streams + c.approvals)} ` +
        `calls to open the topics (createForumTopic + the "new session" note), then ${3 * (c.streams + c.approvals)} ` +
        `for the turns (placeholder reply, final edit, notice) and ${2 * c.approvals} for the prompts (prompt, ` +
        `decision): ≥ ${5 * (c.streams + c.approvals) + 2 * c.approvals} calls, ≥ ` +
        `${round((5 * (c.streams + c.approvals) + 2 * c.approvals) / 20, 1)} minutes, whatever the bridge does.`,
      'A permission prompt has the outbox’s highest priority and may take any group slot that replies and streaming ' +
        'edits leave it, so it never waits for the group’s minute to roll over. It still shares the group’s 1 message/s with everything ' +
        'else in that chat: prompts OpenCode asks within a second or two of each other go a second apart, after the ' +
        'stream edit in flight. Their latency therefore depends on how the loaded server bunches them (see the table).',
    ],
  };
}

report_opencode = await opencodeVersion();
// Exit explicitly: event subscriptions and their timers must not keep a finished run alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
