import { operations } from '@sfgql/objects/catalog';
import { ID_OBJECTS, type JsonSchema, jsonSchemaOf } from '@sfgql/objects/json-schema';
import type { Operation, WriteOperation } from '@sfgql/objects/operation';
import { createSalesforceClient, type SalesforceClient, soql } from '@sfgql/soql';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Door, graphqlDoor, mcpDoor, type Outcome, restDoor } from './doors.ts';
import { createInputMaker, type Input, type InputMaker } from './inputs.ts';

// Every operation of the catalog, through every door, against the emulator: the same records in the
// same order, the same refusals of the same bad input, and for writes the same preview and the same
// effect. Nothing here names an operation: a new one is covered as soon as it is in the catalog.

let close: () => Promise<void>;
let client: SalesforceClient;
let doors: Door[];
let inputs: InputMaker;

beforeAll(async () => {
  const { emulator, session } = await startDemoOrg();
  close = async () => {
    await Promise.all(doors.map((door) => door.close?.()));
    await emulator.close();
  };
  client = createSalesforceClient({ session });
  const options = { instanceUrl: emulator.url, token: session.accessToken };
  doors = [restDoor(options), graphqlDoor(options), mcpDoor(options)];
  inputs = createInputMaker(client);
});
afterAll(() => close());

const all = [...operations.values()];
const reads = all.filter((op) => op.kind === 'read');
// Creates before updates before deletes, so that a delete removes nothing a later write needs.
const ORDER = { create: 0, update: 1, delete: 2 } as const;
const writes = all
  .filter((op): op is WriteOperation => op.kind !== 'read')
  .sort((a, b) => ORDER[a.action] - ORDER[b.action]);

/** The same call through every door: their outcomes, by door. */
function ask(op: Operation, input: Input, tokens: (string | undefined)[] = []): Promise<Outcome[]> {
  return Promise.all(doors.map((door, i) => door.call(op, input, tokens[i])));
}

/** What a read answered, without the parts that differ by nature (a preview's token). */
const comparable = (outcome: Outcome) =>
  outcome.kind === 'preview' ? { ...outcome, token: undefined } : outcome;

describe.each(reads.map((op) => [op.name, op] as const))('the read %s', (_name, op) => {
  it('answers the same records in the same order through every door', async () => {
    const input = await inputs.valid(op);
    const searched = await inputs.withTerm(op, input);
    for (const asked of searched ? [input, searched] : [input]) {
      const [first, ...others] = await ask(op, asked);
      expect(first?.kind, JSON.stringify({ asked, first })).toBe('value');
      for (const other of others) expect(other, JSON.stringify(asked)).toEqual(first);
    }
  });

  it('refuses the same bad input the same way through every door', async () => {
    for (const bad of inputs.invalid(op, await inputs.valid(op))) {
      const [first, ...others] = await ask(op, bad);
      for (const other of others) expect(other, JSON.stringify(bad)).toEqual(first);
    }
  });
});

/** The input key that names the record an update or delete changes (`id`, or `caseId` of a case). */
function targetKey(op: WriteOperation): string | undefined {
  const properties = (jsonSchemaOf(op.input, 'input').properties ?? {}) as Record<string, JsonSchema>;
  if ('id' in properties) return 'id';
  return Object.entries(properties).find(
    ([, schema]) =>
      Array.isArray(schema[ID_OBJECTS]) &&
      (schema[ID_OBJECTS] as string[]).includes(op.object?.apiName ?? ''),
  )?.[0];
}

/** A field's value as Salesforce holds it, comparable with what a preview said it would be. */
const same = (actual: unknown, expected: unknown) =>
  typeof actual === 'string' && typeof expected === 'string' && !Number.isNaN(Date.parse(expected))
    ? Date.parse(actual) === Date.parse(expected) || actual === expected
    : actual === expected || (actual === null && expected === '');

/** Checks that a record holds what the preview said it would: every change to one of its fields. */
async function holdsPreview(op: WriteOperation, id: string, preview: Outcome & { kind: 'preview' }) {
  const spec = op.object;
  if (!spec) return;
  const apiNames = new Set(Object.values(spec.fields).map((f) => f.apiName));
  const changes = preview.changes.filter((c) => apiNames.has(c.field) && c.after !== undefined);
  if (changes.length === 0) return;
  const result = await client.query(
    soql`SELECT ${soql.fields(['Id', ...new Set(changes.map((c) => c.field))])} FROM ${soql.ident(spec.apiName)} WHERE Id = ${id}`,
  );
  const record = result.records[0];
  expect(record, `${op.name}: ${id} is gone`).toBeDefined();
  for (const change of changes)
    expect(
      same(record?.[change.field], change.after),
      `${op.name}.${change.field}: ${JSON.stringify(record?.[change.field])} ≠ ${JSON.stringify(change.after)}`,
    ).toBe(true);
}

/**
 * A new record of the write's object for each door to change or delete, made through the catalog
 * itself (its create operation), so that the doors act on records alike; records of the demo org
 * when the object has no create.
 */
async function freshTargets(op: WriteOperation, key: string): Promise<Input[]> {
  const create =
    writes.find((w) => w.action === 'create' && w.object === op.object && w.verb === 'create') ??
    writes.find((w) => w.action === 'create' && w.object === op.object);
  return Promise.all(
    doors.map(async (_, i) => {
      const input = await inputs.valid(op, i);
      if (!create) return input;
      // Other records than the demo's own, in case those already hold what a create would add.
      for (const variant of [i, i + 2, i + 4]) {
        const made = await create.execute({ client }, await inputs.valid(create, variant)).then(
          (r) => (r as { id: string }).id,
          () => null,
        );
        if (made) return { ...input, [key]: made };
      }
      throw new Error(`${create.name} could make no record for ${op.name}`);
    }),
  );
}

describe.each(writes.map((op) => [op.name, op] as const))('the write %s', (_name, op) => {
  it('previews the same change through every door, then makes it once through each alike', async () => {
    // The same input previews the same change through every door.
    const input = await inputs.valid(op);
    const [first, ...others] = await ask(op, input);
    for (const other of others)
      expect(comparable(other), JSON.stringify(input)).toEqual(comparable(first as Outcome));
    if (first?.kind !== 'preview') return;

    // Each door then makes the change on a record of its own (a create, from the same input).
    const key = op.action === 'create' ? undefined : targetKey(op);
    const perDoor = key ? await freshTargets(op, key) : doors.map(() => input);
    const previews = await Promise.all(doors.map((door, i) => door.call(op, perDoor[i] as Input)));
    const done = await Promise.all(
      doors.map(async (door, i) => {
        const preview = previews[i] as Outcome;
        expect(preview.kind, `${door.name}: ${JSON.stringify(preview)}`).toBe('preview');
        return door.call(op, perDoor[i] as Input, (preview as { token: string }).token);
      }),
    );
    // The same outcome everywhere: done, or the same refusal (an org rule Salesforce enforces).
    const kinds = done.map((o) => (o.kind === 'error' ? o.code : o.kind));
    expect(new Set(kinds).size, JSON.stringify(done)).toBe(1);
    for (const [i, outcome] of done.entries()) {
      if (outcome.kind !== 'done') continue;
      const target = key ? String((perDoor[i] as Input)[key]) : outcome.id;
      if (!target) continue;
      if (op.action === 'delete') {
        const left = await client.query(
          soql`SELECT Id FROM ${soql.ident(op.object?.apiName ?? '')} WHERE Id = ${target}`,
        );
        expect(left.totalSize, `${doors[i]?.name} deleted ${target}`).toBe(0);
      } else await holdsPreview(op, target, previews[i] as Outcome & { kind: 'preview' });
    }
  });

  it('refuses the same bad input the same way through every door', async () => {
    const valid = await inputs.valid(op);
    for (const bad of inputs.invalid(op, valid)) {
      const [first, ...others] = await ask(op, bad);
      for (const other of others)
        expect(comparable(other), JSON.stringify(bad)).toEqual(comparable(first as Outcome));
    }
  });
});
