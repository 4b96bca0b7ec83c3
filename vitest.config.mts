import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start real `opencode serve` processes; two cores cannot run many at once.
    maxWorkers: 2,
    // End-to-end tests wait on real turns of a real agent; under CI load a turn can take a while.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
