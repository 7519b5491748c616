import { baseConfig } from '@sfgql/vitest-config';

export default baseConfig;
