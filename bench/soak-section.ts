// The soak's part of the benchmark report (see soak.ts for what it does).
import type { Bench } from './e2e';
import { type Section, judge, round } from './report';
import { runSoak } from './soak';

export async function soakSection(b: Bench, minutes: number): Promise<Section> {
  const r = await runSoak(b, { minutes, chats: 5, topics: 3, outageS: 15 });
  const all = Object.values(r.counts);
  const sum = (key: keyof (typeof all)[number]) => all.reduce((n, c) => n + c[key], 0);
  const turns = r.actions.filter((a) => a.kind !== 'status').length;
  const lost = r.actions.filter((a) => a.outcome === 'lost');
  return {
    id: 'soak',
    title: `6. Soak: ${minutes} minutes of mixed traffic through restarts and outages`,
    method:
      `The headless bridge (child process) with ${r.config.chats} private chats (one allowlisted user each) and ` +
      `${r.config.topics} topics of one forum group, each place doing one thing after another, a human 1–4 s apart: ` +
      'a streamed answer (300–1,500 characters at 80 tokens/s), a bash command whose permission prompt is answered ' +
      'Once, /status, a question answered with a tap. OpenCode is restarted (SIGTERM, same port) at 20 % and 60 % ' +
      `of the time, and the fake Bot API answers nothing but 502 for ${r.config.outageS} s at 40 % and 80 %; no new ` +
      'action starts while OpenCode is down, but actions already under way go on. "Lost" = no notice within 4 minutes, ' +
      'or a ✅ notice without the whole expected answer. A prompt the model saw twice = two first-step ' +
      'chat requests (last message from the user) with its text. RSS from /proc/<pid>/status of the bridge; the ' +
      'sizes are what the bridge logs when it stops (`Bridge.diagnostics()`).',
    figures: [
      {
        name: 'Final answers lost',
        value: `${lost.length} of ${turns} prompts`,
        target: '0',
        verdict: judge(lost.length === 0),
      },
      {
        name: 'Prompts the model received twice',
        value: r.duplicatedPrompts.length,
        target: '0',
        verdict: judge(r.duplicatedPrompts.length === 0),
      },
      {
        name: '429 answers',
        value: r.rateLimited,
        target: '0',
        verdict: judge(r.rateLimited === 0),
      },
      {
        name: 'Answered in full / interrupted by an OpenCode restart / refused while it was down',
        value: `${sum('answered')} / ${sum('interrupted')} / ${sum('refused')}`,
      },
      {
        name: 'Bridge RSS at the start / end / max',
        value: `${round(r.rssStartMb)} / ${round(r.rssEndMb)} / ${round(r.rssMaxMb)}`,
        unit: 'MB',
      },
      {
        name: 'Largest things held at the end',
        value: r.held
          .slice(0, 6)
          .map(([name, n]) => `${name} ${n}`)
          .join(', '),
      },
      { name: 'Duration', value: round(r.seconds), unit: 's' },
    ],
    tables: [
      {
        title: 'Actions by kind',
        header: ['kind', 'answered', 'interrupted', 'refused', 'lost'],
        rows: Object.entries(r.counts).map(([kind, c]) => [
          kind,
          c.answered,
          c.interrupted,
          c.refused,
          c.lost,
        ]),
      },
      {
        title: 'Everything the bridge held when it stopped',
        header: ['what', 'entries'],
        rows: r.held,
      },
    ],
    notes: [
      ...r.faults.map((f) => `Fault: ${f}`),
      ...lost.map((a) => `Lost: ${a.kind} in ${a.place} (${a.text}): ${a.detail ?? ''}`),
      ...r.actions
        .filter((a) => a.outcome === 'interrupted')
        .map((a) => `Interrupted: ${a.kind} in ${a.place}: ${a.detail ?? ''}`),
      ...r.duplicatedPrompts.map((d) => `Run twice: ${d}`),
    ],
  };
}
