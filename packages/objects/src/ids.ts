import { isSalesforceId, toSalesforceId } from '@sfgql/soql';
import { z } from 'zod';
import { ID_OBJECTS } from './json-schema.ts';
import { KEY_PREFIXES } from './specs.ts';
import { withArticle } from './words.ts';

/**
 * An Id of any of the given objects, whatever its key prefix: for inputs that find the object from
 * the Id itself (an Id of an object outside the list names no record, rather than a wrong input).
 */
export function anyIdSchema(objects: readonly string[]) {
  return z
    .string()
    .trim()
    .refine((v) => isSalesforceId(v), { message: 'must be a 15- or 18-character Salesforce Id' })
    .transform((v) => toSalesforceId(v) as string)
    .meta({ [ID_OBJECTS]: [...objects] });
}

/** An Id of one of the given objects, normalised to 18 characters. */
export function idSchema(objects: readonly string[]) {
  const prefixes = objects.map((o) => KEY_PREFIXES[o]).filter((p): p is string => p !== undefined);
  const names = objects.join(' or ');
  return z
    .string()
    .trim()
    .refine((v) => isSalesforceId(v), { message: `must be a 15- or 18-character Salesforce Id` })
    .refine((v) => prefixes.length === 0 || isSalesforceId(v, prefixes), {
      message: `must be the Id of ${withArticle(names)}`,
    })
    .transform((v) => toSalesforceId(v) as string)
    .meta({ [ID_OBJECTS]: [...objects] });
}
