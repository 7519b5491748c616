import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * A published package's build (`build` and `prepack`, run in the package's folder): `dist/` from
 * scratch, so a module that was renamed or removed never ships, then `tsc -p tsconfig.build.json`.
 */
rmSync('dist', { recursive: true, force: true });
// `tsc` is the package's own TypeScript, on PATH when pnpm runs the script.
execFileSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
