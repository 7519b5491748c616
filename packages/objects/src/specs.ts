import type { SoqlAllowlist } from '@sfgql/soql';
import { accountSpec } from './account/spec.ts';
import { campaignMemberSpec, campaignSpec } from './campaign/spec.ts';
import { caseCommentSpec, caseSpec } from './case/spec.ts';
import { contactSpec } from './contact/spec.ts';
import { eventSpec } from './event/spec.ts';
import { knowledgeSpec } from './knowledge/spec.ts';
import { leadSpec } from './lead/spec.ts';
import { noteSpec } from './note/spec.ts';
import { opportunitySpec } from './opportunity/spec.ts';
import { lineItemSpec, pricebookEntrySpec, productSpec } from './product/spec.ts';
import type { ObjectSpec } from './spec.ts';
import { taskSpec } from './task/spec.ts';
import { queueSpec, userSpec } from './user/spec.ts';

/** Every standard object of the catalog, in the order the doors list them. */
export const STANDARD_SPECS: readonly ObjectSpec[] = [
  contactSpec,
  leadSpec,
  accountSpec,
  opportunitySpec,
  lineItemSpec,
  caseSpec,
  caseCommentSpec,
  taskSpec,
  eventSpec,
  noteSpec,
  knowledgeSpec,
  userSpec,
  queueSpec,
  productSpec,
  pricebookEntrySpec,
  campaignSpec,
  campaignMemberSpec,
];

/**
 * Key prefixes of every object an input or a result may name: the catalog's objects, and the
 * others their lookups point at. Object name → prefix; an Id of the wrong object is refused early.
 */
export const KEY_PREFIXES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(STANDARD_SPECS.map((spec) => [spec.apiName, spec.keyPrefix])),
  Pricebook2: '01s',
  // A ContentNote is a ContentDocument: the same Id, so its prefix names both (the note first).
  ContentDocument: '069',
  ContentDocumentLink: '06A',
  KnowledgeArticle: 'kA0',
};

/** A catalog object by its API name (`Case`), if the catalog has it. */
export function specNamed(apiName: string): ObjectSpec | undefined {
  return STANDARD_SPECS.find((spec) => spec.apiName === apiName);
}

/**
 * What a person's own read-only SOQL may read (`validateReadOnlySoql`'s allowlist): every object
 * of the catalog, its fields, and its parents' fields through their relationship (`Account.Name`).
 * Salesforce still applies the person's own access; this keeps a query to what the catalog
 * describes.
 */
export function queryAllowlist(): SoqlAllowlist {
  return Object.fromEntries(
    STANDARD_SPECS.map((spec) => {
      const own = Object.values(spec.fields).map((f) => f.apiName);
      const parents = Object.values(spec.parents ?? {}).flatMap((parent) =>
        parent.objects.flatMap((object) =>
          Object.values(specNamed(object)?.fields ?? {}).map((f) => `${parent.relationship}.${f.apiName}`),
        ),
      );
      return [spec.apiName, [...new Set([...own, ...parents])]];
    }),
  );
}

/** The catalog object an Id belongs to, by its key prefix. */
export function specOfId(id: string): ObjectSpec | undefined {
  return STANDARD_SPECS.find((spec) => spec.keyPrefix !== '' && id.startsWith(spec.keyPrefix));
}

/** The object an Id names (`Case`, `ContentNote`), from its key prefix; null when unknown. */
export function objectOfId(id: string): string | null {
  return Object.entries(KEY_PREFIXES).find(([, prefix]) => id.startsWith(prefix))?.[0] ?? null;
}
