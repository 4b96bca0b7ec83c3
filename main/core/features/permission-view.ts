// What a permission prompt says: the tool, every character of what Once approves (the command or
// the paths), the project and exactly what Always allows from now on. Too long for one message?
// The exact text goes along as a file and the message says so next to the buttons.
import type { PermissionRequest } from '../opencode/types';
import { escapeHtml } from '../telegram/format';
import { exactListText, fitBody, fitsPrompt } from '../telegram/format/prompt-fit';
import { showInvisible } from '../telegram/format/visible-text';
import type { PromptFile } from './pending-prompts';

const VERBS: Record<string, string> = {
  bash: 'run a command',
  edit: 'change files',
  write: 'write files',
  read: 'read files',
  webfetch: 'fetch a web page',
  websearch: 'search the web',
  external_directory: 'work outside the project',
  task: 'start a sub-agent',
  doom_loop: 'keep repeating the same call',
};

/** Longer "Always" lists go to a file, so the command keeps most of the message. */
const ALWAYS_INLINE_MAX = 1000;

export const MARKS_NOTE =
  '<i>⟨…⟩ stands for characters that do not show, or for a run of blanks; nothing is left out.</i>';

export interface PromptView {
  html: string;
  files: PromptFile[];
}

/** What the agent wants, in words, and the files that hold what did not fit. */
export function describePermission(
  request: PermissionRequest,
  directory: string | undefined,
): PromptView {
  const verb = VERBS[request.permission] ?? `use ${request.permission}`;
  const title = `🔐 <b>The agent wants to ${escapeHtml(verb)}</b>`;
  const command =
    typeof request.metadata?.['command'] === 'string' ? request.metadata['command'] : undefined;
  const target = command !== undefined ? showInvisible(command) : showList(request.patterns);
  const files: PromptFile[] = [];

  const always = describeAlways(request, verb);
  let alwaysHtml = always.html;
  if (always.file && (always.html.length > ALWAYS_INLINE_MAX || !fitsPrompt(always.html))) {
    files.push(always.file);
    alwaysHtml = `<i>Always also allows the ${always.count} patterns in the attached file ${always.file.name}, in this project until OpenCode restarts.</i>`;
  }
  const place = directory
    ? `in <code>${escapeHtml(showInvisible(directory, { keepLineBreaks: false }).text)}</code>`
    : undefined;
  const what = command !== undefined ? 'command' : 'list';
  const targetFile: PromptFile =
    command !== undefined
      ? {
          name: 'command.txt',
          text: command,
          captionHtml: 'The exact command the agent asks to run.',
        }
      : {
          name: 'patterns.txt',
          text: exactListText(request.patterns),
          captionHtml: `The exact paths or patterns the agent asks for (${request.patterns.length}).`,
        };

  const { html, shortened } = fitBody(target.text, (body, short) =>
    [
      title,
      body === '' ? '<i>(nothing)</i>' : `<pre>${escapeHtml(body)}</pre>`,
      ...(target.marked ? [MARKS_NOTE] : []),
      ...(place ? [place] : []),
      alwaysHtml,
      ...(short
        ? [
            `⚠️ <b>The ${what} is too long to show here</b>: the full text (${targetFile.text.length.toLocaleString('en-US')} characters) is in the attached file ${targetFile.name}. Once and Always approve exactly that text.`,
          ]
        : []),
    ].join('\n'),
  );
  if (shortened) files.unshift(targetFile);
  return { html, files };
}

/** Patterns one per line; a line break inside a pattern is marked, so lines are items. */
function showList(items: readonly string[]): { text: string; marked: boolean } {
  const shown = items.map((item) => showInvisible(item, { keepLineBreaks: false }));
  return { text: shown.map((s) => s.text).join('\n'), marked: shown.some((s) => s.marked) };
}

/** Exactly what "Always" adds: OpenCode's `always` patterns, for this project until it restarts. */
function describeAlways(
  request: PermissionRequest,
  verb: string,
): { html: string; file?: PromptFile; count?: number } {
  const patterns = request.always ?? [];
  if (patterns.length === 0)
    return { html: '<i>Always adds no rule here: it works like Once.</i>' };
  if (patterns.includes('*')) {
    return {
      html: `<i>Always lets it ${escapeHtml(verb)} with any target, without asking, in this project until OpenCode restarts</i> (<code>*</code>).`,
    };
  }
  const shown = patterns
    .map((p) => `<code>${escapeHtml(showInvisible(p, { keepLineBreaks: false }).text)}</code>`)
    .join(' · ');
  return {
    html: `<i>Always also allows, in this project until OpenCode restarts:</i> ${shown}`,
    file: {
      name: 'always.txt',
      text: exactListText(patterns),
      captionHtml: 'The exact patterns Always allows from now on.',
    },
    count: patterns.length,
  };
}
