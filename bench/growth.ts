// Growth of the per-edit cost with the answer's length: renderLive (Markdown → Telegram HTML of the
// whole answer, then cut to the last 4096 characters) and renderFinal (split into messages), in
// this process, on answers built from the same delta events the bridge receives.
import { renderFinal, renderLive } from '../main/core/turn/render-turn';
import { TurnModel } from '../main/core/turn/turn-model';
import { streamedText } from '../test/support/model-server';

export interface RenderCost {
  chars: number;
  liveMs: number;
  finalMs: number;
  finalMessages: number;
}

function modelWith(chars: number): TurnModel {
  const model = new TurnModel('ses_render', 0);
  const text = streamedText(chars, { md: true });
  for (let at = 0; at < text.length; at += 12) {
    model.apply({
      type: 'message.part.delta',
      properties: {
        sessionID: 'ses_render',
        messageID: 'msg_1',
        partID: 'prt_1',
        field: 'text',
        delta: text.slice(at, at + 12),
      },
    } as never);
  }
  return model;
}

function timeMs(fn: () => unknown, minMs = 300): number {
  fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    n++;
  }
  return (performance.now() - start) / n;
}

export function renderCosts(lengths: number[]): RenderCost[] {
  const options = { showReasoning: false };
  return lengths.map((chars) => {
    const model = modelWith(chars);
    return {
      chars,
      liveMs: timeMs(() => renderLive(model, options)),
      finalMs: timeMs(() => renderFinal(model, options)),
      finalMessages: renderFinal(model, options).length,
    };
  });
}
