import { baseConfig } from '@sfgql/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

/**
 * The suites start servers and child processes and measure under load: one file at a time, so that
 * the 64-client load run and the crash run do not compete with each other for a 2-core machine.
 */
export default mergeConfig(
  baseConfig,
  defineConfig({ test: { fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } }),
);
