import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a user gets from `npm install @sfgql/<name>`: every published package is packed as pnpm
// publishes it (building first), installed from its tarball into an empty project with npm, and
// imported there by Node, outside this repository.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, string | { types: string; default: string }>;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

const PUBLISHED = readdirSync(join(ROOT, 'packages'))
  .map((dir) => ({
    dir: join(ROOT, 'packages', dir),
    manifest: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter((p) => !p.manifest.private);

/** pnpm, as the test runner was started by it; tests never download another. */
function pnpm(args: string[], cwd: string): string {
  const pnpmCli = process.env.npm_execpath;
  if (!pnpmCli || !/pnpm/.test(pnpmCli))
    throw new Error('Run these tests through pnpm (`pnpm test`), which gives them its npm_execpath.');
  return execFileSync(process.execPath, [pnpmCli, ...args], { cwd, encoding: 'utf8', stdio: 'pipe' });
}

const work = mkdtempSync(join(tmpdir(), 'sfgql-pack-'));
const tarballs = new Map<string, string>();
const entries = new Map<string, Set<string>>();
const packed = new Map<string, Manifest>();

beforeAll(() => {
  const out = join(work, 'tarballs');
  mkdirSync(out);
  for (const { dir, manifest } of PUBLISHED) {
    const before = new Set(readdirSync(out));
    pnpm(['pack', '--pack-destination', out], dir);
    const file = readdirSync(out).find((f) => !before.has(f));
    if (!file) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`);
    const tarball = join(out, file);
    tarballs.set(manifest.name, tarball);
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, ''));
    entries.set(manifest.name, new Set(list));
    packed.set(
      manifest.name,
      JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })),
    );
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(PUBLISHED.map((p) => p.manifest.name))('the published %s', (name) => {
  it('ships its build, LICENSE and README, and no tests', () => {
    const files = entries.get(name) as Set<string>;
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    expect([...files].some((f) => f.startsWith('dist/') && f.endsWith('.js'))).toBe(true);
    expect([...files].filter((f) => /\.test\.|test-kit|test-helpers/.test(f))).toEqual([]);
  });

  it('exports and bins point at files that ship', () => {
    const manifest = packed.get(name) as Manifest;
    const files = entries.get(name) as Set<string>;
    const targets = Object.values(manifest.exports ?? {}).flatMap((target) =>
      typeof target === 'string' ? [target] : [target.types, target.default],
    );
    targets.push(...Object.values(manifest.bin ?? {}));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(files, `${name}: ${target}`).toContain(posix.normalize(target));
    for (const dependency of Object.values(manifest.dependencies ?? {}))
      expect(dependency).not.toMatch(/^workspace:/);
  });

  it('has source maps whose sources ship beside them', () => {
    const files = entries.get(name) as Set<string>;
    const maps = [...files].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const tarball = tarballs.get(name) as string;
    for (const map of maps) {
      const { sources } = JSON.parse(
        execFileSync('tar', ['-xOzf', tarball, `package/${map}`], { encoding: 'utf8' }),
      ) as { sources: string[] };
      for (const source of sources)
        expect(files, `${map} → ${source}`).toContain(posix.join(posix.dirname(map), source));
    }
  });

  it('says in its README how to install it alone and which @sfgql packages come with it', () => {
    const readme = readFileSync(join(ROOT, 'packages', name.replace('@sfgql/', ''), 'README.md'), 'utf8');
    expect(readme).toContain(`npm install ${name}`);
    const own = Object.keys((packed.get(name) as Manifest).dependencies ?? {}).filter((d) =>
      d.startsWith('@sfgql/'),
    );
    for (const dependency of own) expect(readme).toContain(dependency);
  });
});

describe('installed from the tarballs alone', () => {
  it('imports with Node in a project of its own, finding only the dependencies it declares', () => {
    // The tarballs are unpacked into a project's node_modules as a package manager would, and each
    // third-party dependency they declare is linked to the copy this repository installed (no
    // network): an import of anything a package does not declare fails here as it would for a user.
    const modules = join(work, 'project', 'node_modules');
    mkdirSync(join(modules, '@sfgql'), { recursive: true });
    for (const [name, tarball] of tarballs) {
      const dir = join(modules, name);
      mkdirSync(dir);
      execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
    }
    for (const { dir, manifest } of PUBLISHED) {
      const declared = packed.get(manifest.name) as Manifest & { peerDependencies?: Record<string, string> };
      for (const dependency of Object.keys({ ...declared.dependencies, ...declared.peerDependencies })) {
        if (dependency.startsWith('@sfgql/') || existsSync(join(modules, dependency))) continue;
        mkdirSync(dirname(join(modules, dependency)), { recursive: true });
        symlinkSync(realpathSync(join(dir, 'node_modules', dependency)), join(modules, dependency), 'dir');
      }
    }
    writeFileSync(
      join(work, 'project', 'package.json'),
      '{"name":"user-project","private":true,"type":"module"}',
    );
    // Every entry point of every package, as a user would import it.
    const specifiers = [...packed].flatMap(([name, manifest]) =>
      Object.keys(manifest.exports ?? {}).map((subpath) => posix.join(name, subpath)),
    );
    expect(specifiers.length).toBeGreaterThan(tarballs.size);
    const script = specifiers
      .map(
        (s) => `if (Object.keys(await import('${s}')).length === 0) throw new Error('${s} exports nothing');`,
      )
      .join('\n');
    writeFileSync(join(work, 'project', 'check.mjs'), `${script}\nconsole.log('ok');`);
    const out = execFileSync(process.execPath, ['check.mjs'], {
      cwd: join(work, 'project'),
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('ok');
  });
});
