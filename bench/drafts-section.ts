// The report section for drafts vs edits in a private chat (bench/drafts.ts).
import { runPath, runPermissionLatency, runStopLatency, type PathResult } from './drafts';
import type { Bench } from './e2e';
import { judge, round, type Section } from './report';

export async function draftsSection(
  b: Bench,
  config: { chars: number; tps: number },
  log: (line: string) => void,
): Promise<Section> {
  log(`drafts vs edits: ${config.chars} chars at ${config.tps} tokens/s, each path`);
  const draft = await runPath(b, 'draft', config);
  const edit = await runPath(b, 'edit', config);
  log('drafts: Stop → idle, permission latency on both paths');
  const stopMs = await runStopLatency(b);
  const permissionDraft = await runPermissionLatency(b, 'draft');
  const permissionEdit = await runPermissionLatency(b, 'edit');
  const row = (r: PathResult) => [
    r.path,
    Math.round(r.p50Ms),
    Math.round(r.p95Ms),
    Math.round(r.completeMs),
    r.messageCalls,
    r.draftCalls,
    r.answerMessages,
    r.rateLimited,
    r.answerCorrect ? 'yes' : 'no',
  ];
  return {
    id: 'drafts',
    title: '2b. Private chat: streaming drafts and one rich answer, against edits',
    method:
      `The same ${config.chars.toLocaleString('en-US')} characters at ~${config.tps} tokens/s into the private chat, ` +
      'once on the default path (sendRichMessageDraft with Stop, then one sendRichMessage) and once with ' +
      'BRIDGE_STREAMING=edit BRIDGE_RICH=off (the HTML edit/split path). The fake keeps every draft update and every ' +
      'message version with its time; staleness of a chunk = first draft or version showing that much − the chunk’s ' +
      'time. Stop: userPressesStop on the draft, then GET /session/status every 20 ms until the session is idle. ' +
      'Permission: `permission.asked` on OpenCode’s /global/event → the prompt with its buttons in the fake.',
    figures: [
      {
        name: 'Staleness p50, drafts / edits',
        value: `${Math.round(draft.p50Ms)} / ${Math.round(edit.p50Ms)}`,
        unit: 'ms',
      },
      {
        name: 'Staleness p95, drafts / edits',
        value: `${Math.round(draft.p95Ms)} / ${Math.round(edit.p95Ms)}`,
        unit: 'ms',
      },
      {
        name: 'Message calls per turn, drafts (edits)',
        value: `${draft.messageCalls} (${edit.messageCalls})`,
        target: '≤ 3',
        verdict: judge(draft.messageCalls <= 3),
      },
      { name: 'Draft calls per turn', value: draft.draftCalls },
      {
        name: '429 answers, drafts / edits',
        value: `${draft.rateLimited} / ${edit.rateLimited}`,
        target: '0',
        verdict: judge(draft.rateLimited === 0),
      },
      {
        name: 'Whole answer visible after the model’s last token, drafts (edits)',
        value: `${Math.round(draft.completeMs)} (${Math.round(edit.completeMs)})`,
        unit: 'ms',
        target: '≤ 1,000 ms',
        verdict: judge(draft.completeMs <= 1000),
      },
      {
        name: 'Stop → OpenCode idle',
        value: stopMs,
        unit: 'ms',
        target: '≤ 1,000 ms',
        verdict: judge(stopMs <= 1000),
      },
      {
        name: 'permission.asked → buttons on the phone, drafts (edits)',
        value: `${Math.round(permissionDraft)} (${Math.round(permissionEdit)})`,
        unit: 'ms',
        target: '≤ 300 ms',
        verdict: judge(permissionDraft <= 300),
      },
      {
        name: 'Final answer exactly the model’s text, in one message',
        value: draft.answerCorrect && draft.answerMessages === 1 ? 'yes' : 'no',
        verdict: judge(draft.answerCorrect && draft.answerMessages === 1),
      },
    ],
    tables: [
      {
        title: 'Both paths',
        header: [
          'path',
          'p50 ms',
          'p95 ms',
          'complete ms',
          'message calls',
          'draft calls',
          'answer messages',
          '429s',
          'exact',
        ],
        rows: [row(draft), row(edit)],
      },
    ],
    notes: [
      `Drafts are paced at one per ${round(250)} ms per chat (the fake allows 5 a second), so the phone is at most ` +
        'about a quarter of a second behind a fast model; they do not count toward the 1 message/s of the chat.',
    ],
  };
}
