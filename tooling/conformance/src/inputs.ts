import { ID_OBJECTS, isSchema, type JsonSchema, jsonSchemaOf, primaryType } from '@sfgql/objects/json-schema';
import type { Operation } from '@sfgql/objects/operation';
import { readConditions } from '@sfgql/objects/read';
import type { ObjectSpec } from '@sfgql/objects/spec';
import { specNamed } from '@sfgql/objects/specs';
import { type SalesforceClient, soql } from '@sfgql/soql';

/**
 * Inputs for any operation of the catalog, made from its input schema and the org's own records:
 * nothing here knows a particular operation. An Id input takes an existing record of an object the
 * schema says it may name; a key of the operation's object (`caseNumber`) takes a real record's
 * value; a search term, a word of a real record's name; anything else, a value of its type.
 */

export type Input = Record<string, unknown>;

/** Records of an object as every door reads them (its base filter and default scopes applied). */
async function sampleRecords(client: SalesforceClient, object: string, fields: readonly string[]) {
  const spec = specNamed(object);
  const where = spec ? readConditions(spec, 'lists') : [];
  const result = await client.query(
    soql`SELECT ${soql.fields(['Id', ...fields.filter((f) => f !== 'Id')])} FROM ${soql.ident(object)}${
      where.length ? soql` WHERE ${soql.join(where, ' AND ')}` : soql``
    } ORDER BY Id LIMIT 5`,
  );
  return result.records;
}

/** A valid text for a schema: its example, or words of the right length. */
function text(schema: JsonSchema, key: string, variant: number): string {
  if (Array.isArray(schema.examples) && typeof schema.examples[0] === 'string') return schema.examples[0];
  if (schema.format === 'email') return `conformance${variant}@example.org`;
  if (schema.format === 'date-time')
    return `2027-03-0${variant + 1}T${key.startsWith('end') ? '11' : '10'}:00:00Z`;
  if (typeof schema.pattern === 'string' && schema.pattern.includes('\\d{4}-\\d{2}-\\d{2}'))
    return `2027-03-0${variant + 1}`;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 80;
  return `Conformance ${key} ${variant}`.slice(0, max);
}

export interface InputMaker {
  /**
   * An input the operation accepts: its required inputs, plus the fewest optional ones its own
   * checks ask for (one of two Ids, a field to change). Variant 1 picks other records than 0.
   */
  valid(op: Operation, variant?: number): Promise<Input>;
  /** The input with a search term from a real record, when the operation takes a term. */
  withTerm(op: Operation, valid: Input): Promise<Input | null>;
  /** Hostile and malformed versions of a valid input: the same refusal is expected of every door. */
  invalid(op: Operation, valid: Input): Input[];
}

export function createInputMaker(client: SalesforceClient): InputMaker {
  async function value(
    op: Operation,
    key: string,
    schema: JsonSchema,
    variant: number,
  ): Promise<unknown | undefined> {
    const type = primaryType(schema);
    if (schema.default !== undefined) return schema.default;
    if (Array.isArray(schema.examples) && schema.examples.length > 0 && type !== 'string')
      return schema.examples[0];
    if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null);
    const objects = schema[ID_OBJECTS];
    if (Array.isArray(objects)) {
      for (const object of objects as string[]) {
        const records = await sampleRecords(client, object, []);
        const record = records[variant % Math.max(records.length, 1)];
        if (record) return record.Id;
      }
      return undefined;
    }
    const spec: ObjectSpec | null =
      op.object ?? (op.kind === 'read' && 'object' in op.view ? (op.view.object ?? null) : null);
    const field = spec?.fields[key];
    if (type === 'string' && op.kind === 'read' && spec && (field || key === 'term')) {
      // A real value: the record's key, or a word of its name for a search.
      const source = field ?? spec.fields[spec.nameField];
      if (!source) return undefined;
      const records = await sampleRecords(client, spec.apiName, [source.apiName]);
      const found = records.map((r) => r[source.apiName]).find((v) => typeof v === 'string' && v.length > 1);
      if (typeof found !== 'string') return undefined;
      return field ? found : (found.split(/\s+/).find((w) => w.length > 2) ?? found);
    }
    if (type === 'string') return text(schema, key, variant);
    if (type === 'integer' || type === 'number') {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
      return typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : Math.max(min, 1);
    }
    if (type === 'boolean') return false;
    if (type === 'array' && isSchema(schema.items)) {
      const item = await value(op, key.replace(/s$/, ''), schema.items, variant);
      return item === undefined ? undefined : [item];
    }
    return undefined;
  }

  return {
    async valid(op, variant = 0) {
      const schema = jsonSchemaOf(op.input, 'input');
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const input: Input = {};
      for (const [key, prop] of Object.entries(properties)) {
        if (!required.has(key) || prop.default !== undefined) continue;
        const v = await value(op, key, prop, variant);
        if (v !== undefined) input[key] = v;
      }
      if (op.input.safeParse(input).success) return input;
      // The operation's own checks want more: one more optional input, the first that satisfies them.
      for (const [key, prop] of Object.entries(properties)) {
        if (key in input || prop.default !== undefined) continue;
        const v = await value(op, key, prop, variant);
        if (v === undefined) continue;
        const attempt = { ...input, [key]: v };
        if (op.input.safeParse(attempt).success) return attempt;
      }
      return input;
    },
    async withTerm(op, valid) {
      const schema = jsonSchemaOf(op.input, 'input');
      const term = ((schema.properties ?? {}) as Record<string, JsonSchema>).term;
      if (!term || 'term' in valid) return null;
      const v = await value(op, 'term', term, 0);
      return v === undefined ? null : { ...valid, term: v };
    },
    invalid(op, valid) {
      const schema = jsonSchemaOf(op.input, 'input');
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const out: Input[] = [{ ...valid, notAnInput: 'x' }];
      for (const [key, prop] of Object.entries(properties)) {
        const objects = prop[ID_OBJECTS];
        if (Array.isArray(objects) && key in valid) {
          // An Id of another object than the ones the input names.
          const other = (objects as string[]).includes('Account')
            ? '003000000000000AAA'
            : '001000000000000AAA';
          out.push({ ...valid, [key]: other });
          out.push({ ...valid, [key]: "001' OR Id != null OR Id = '" });
        } else if (primaryType(prop) === 'string' && typeof prop.maxLength === 'number' && !prop.enum) {
          out.push({ ...valid, [key]: 'x'.repeat(prop.maxLength + 1) });
        }
      }
      return out;
    },
  };
}
