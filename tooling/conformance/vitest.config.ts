import { baseConfig } from '@sfgql/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(baseConfig, defineConfig({ test: { testTimeout: 60_000 } }));
