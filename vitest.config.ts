import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Interop tests start real servers on fixed loopback ports; keep files in
    // parallel but bounded to the two cores of the CI machine.
    maxWorkers: 2,
  },
});
