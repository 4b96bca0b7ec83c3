// Tests written against OpenCode 1.x's raw events feed them through the v1 adapter's normaliser,
// as the bridge does: what turns and features see is the normalised `BridgeEvent`.
import type { BridgeEvent } from '../../main/core/opencode/adapter';
import type { OpencodeEvent } from '../../main/core/opencode/types';
import { EventNormaliser } from '../../main/core/opencode/v1/normalise';

const normalisers = new WeakMap<object, EventNormaliser>();

/** The normalised events of one raw event (malformed ones: none). */
export function bridgeEvents(
  raw: OpencodeEvent,
  normaliser = new EventNormaliser(),
): BridgeEvent[] {
  const result = normaliser.normalise(raw);
  return result.kind === 'events' ? result.events : [];
}

/** Applies a raw event to anything that takes normalised ones, one normaliser per target. */
export function feed<T>(target: { apply(event: BridgeEvent): T }, raw: OpencodeEvent): T[] {
  let normaliser = normalisers.get(target);
  if (!normaliser) normalisers.set(target, (normaliser = new EventNormaliser()));
  return bridgeEvents(raw, normaliser).map((event) => target.apply(event));
}
