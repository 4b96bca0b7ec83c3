// Test-only crash points: `BRIDGE_TEST_CRASH_AFTER=prompt` kills the process (SIGKILL, nothing
// flushed, like a power cut) right after that step, so an end-to-end test can prove a restart
// neither loses nor repeats it. Honoured only with NODE_ENV=test; a no-op everywhere else.
export type CrashPoint = 'prompt';

export function crashHereForTest(point: CrashPoint): void {
  if (process.env['NODE_ENV'] !== 'test' || process.env['BRIDGE_TEST_CRASH_AFTER'] !== point)
    return;
  process.kill(process.pid, 'SIGKILL');
}
