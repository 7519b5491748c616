import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEFAULT_TOOLSET, operationsOf, TOOLSET_NAMES } from './toolsets.ts';

it("the README's toolsets table says every toolset, its count of tools and the default", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `(\w+)` +\| (\d+) +\| (.*)\|$/gm)].map((m) => [
      m[1],
      { count: Number(m[2]), what: m[3] },
    ]),
  );
  expect([...rows.keys()].sort()).toEqual([...TOOLSET_NAMES].sort());
  for (const name of TOOLSET_NAMES) expect(rows.get(name)?.count, name).toBe(operationsOf(name, {}).length);
  expect(rows.get(DEFAULT_TOOLSET)?.what).toMatch(/^the default/);
});
