// The BRIDGE_TRANSCRIBE_* and BRIDGE_VOICE_MAX_S variables of the headless bridge. Pure.
import type { TranscriptionSettings } from '../bridge-api';
import { ConfigError } from '../errors';
import {
  DEFAULT_TRANSCRIBE_MODEL,
  DEFAULT_VOICE_MAX_S,
  checkTranscribeLanguage,
  checkTranscribeModel,
  checkTranscribeUrl,
  checkVoiceMaxSeconds,
  type Checked,
} from './transcribe-settings';

type Env = Record<string, string | undefined>;

const DEPENDENT = [
  'BRIDGE_TRANSCRIBE_MODEL',
  'BRIDGE_TRANSCRIBE_KEY',
  'BRIDGE_TRANSCRIBE_LANGUAGE',
] as const;

/** Undefined when BRIDGE_TRANSCRIBE_URL is unset: voice notes are then answered with a how-to. */
export function transcriptionFromEnv(env: Env): TranscriptionSettings | undefined {
  const url = nonEmpty(env['BRIDGE_TRANSCRIBE_URL']);
  if (url === undefined) {
    const orphan = DEPENDENT.find((name) => nonEmpty(env[name]) !== undefined);
    if (orphan) {
      throw new ConfigError(
        `${orphan} is set but BRIDGE_TRANSCRIBE_URL is not: set it to the transcription endpoint (e.g. http://127.0.0.1:8080/v1), or unset ${orphan}.`,
      );
    }
    return undefined;
  }
  const model = nonEmpty(env['BRIDGE_TRANSCRIBE_MODEL']);
  const language = nonEmpty(env['BRIDGE_TRANSCRIBE_LANGUAGE']);
  return {
    url: valid('BRIDGE_TRANSCRIBE_URL', checkTranscribeUrl(url)),
    model:
      model === undefined
        ? DEFAULT_TRANSCRIBE_MODEL
        : valid('BRIDGE_TRANSCRIBE_MODEL', checkTranscribeModel(model)),
    key: nonEmpty(env['BRIDGE_TRANSCRIBE_KEY']),
    language:
      language === undefined
        ? undefined
        : valid('BRIDGE_TRANSCRIBE_LANGUAGE', checkTranscribeLanguage(language)),
  };
}

export function voiceMaxSecondsFromEnv(env: Env): number {
  const raw = nonEmpty(env['BRIDGE_VOICE_MAX_S']);
  return raw === undefined
    ? DEFAULT_VOICE_MAX_S
    : valid('BRIDGE_VOICE_MAX_S', checkVoiceMaxSeconds(raw));
}

/** The checks never quote their input: a value typed into the wrong variable may be a key. */
function valid<T>(name: string, checked: Checked<T>): T {
  if (!checked.ok) throw new ConfigError(`${name} ${checked.error}`);
  return checked.value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
