import { describe, expect, it } from 'vitest';
import {
  audioFilename,
  failureText,
  refusalFor,
  transcriptEcho,
} from '../../main/core/voice/voice-text';

describe('voice note texts', () => {
  it('refuses a note over the length limit or Telegram’s 20 MB download cap, saying which', () => {
    expect(refusalFor({ duration: 300, fileSize: 1000 }, 300)).toBeUndefined();
    expect(refusalFor({ duration: 301, fileSize: 1000 }, 300)).toBe(
      '🎙 This voice note is 5:01 long; the limit is 5:00 (BRIDGE_VOICE_MAX_S). Nothing was sent to the agent. Split it into shorter notes.',
    );
    expect(refusalFor({ duration: 60, fileSize: 20 * 1024 * 1024 + 1 }, 300)).toBe(
      '🎙 This recording is 20.1 MB; Telegram lets bots download at most 20.0 MB. Nothing was sent to the agent.',
    );
    expect(refusalFor({ duration: 60, fileSize: undefined }, 300)).toBeUndefined();
  });

  it('echoes the transcript quoted and escaped, shortened when long', () => {
    expect(transcriptEcho('fix <auth> & run it')).toBe('🎙 "fix &lt;auth&gt; &amp; run it"');
    const long = transcriptEcho('word '.repeat(500));
    expect(long.length).toBeLessThan(720);
    expect(long.endsWith('…"')).toBe(true);
  });

  it('says each failure in plain words', () => {
    const say = (r: Parameters<typeof failureText>[0]) => failureText(r, '127.0.0.1:8080', 60);
    expect(say({ ok: false, problem: 'unreachable', detail: 'connection refused' })).toBe(
      '🎙 Could not transcribe this voice note: the transcription service at 127.0.0.1:8080 could not be reached (connection refused). Nothing was sent to the agent.',
    );
    expect(say({ ok: false, problem: 'timeout' })).toContain('did not answer within 60 s');
    expect(say({ ok: false, problem: 'key', status: 401 })).toContain(
      'refused the key (HTTP 401); check BRIDGE_TRANSCRIBE_KEY',
    );
    expect(say({ ok: false, problem: 'refused', status: 400, detail: 'bad <file>' })).toContain(
      'refused it (HTTP 400: bad &lt;file&gt;)',
    );
    expect(say({ ok: false, problem: 'server', status: 503 })).toContain('failed (HTTP 503)');
    expect(say({ ok: false, problem: 'empty' })).toContain('no words were recognised');
  });

  it('names the audio so the endpoint knows its format', () => {
    expect(audioFilename('voice', 'audio/ogg')).toBe('voice.ogg');
    expect(audioFilename('audio', 'audio/mp4', 'standup.m4a')).toBe('standup.m4a');
    expect(audioFilename('audio', 'audio/x-wav', 'recording')).toBe('audio.wav');
    expect(audioFilename('audio', 'audio/unknown')).toBe('audio.mp3');
  });
});
