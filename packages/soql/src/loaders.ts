import type { SalesforceClient, SalesforceRecord } from './client.ts';
import { type ChildSelection, type PlanOptions, planQuery, type Selection } from './planner.ts';
import { soql } from './soql.ts';

/** Ids per statement: 200 ids keep a statement near 5 000 characters, far inside SOQL's limits. */
export const IDS_PER_STATEMENT = 200;

/** Splits ids into batches of {@link IDS_PER_STATEMENT}, one `IN (...)` statement each. */
export function idBatches(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) out.push(ids.slice(i, i + IDS_PER_STATEMENT));
  return out;
}

/**
 * Loads records by Id: one query with `Id IN (...)` per 200 distinct ids (parents folded in as paths).
 * Returns a map by 18-character Id; ids with no record are absent.
 */
export async function loadRecordsById<T extends SalesforceRecord = SalesforceRecord>(
  client: SalesforceClient,
  options: { object: string; selection: Selection; ids: readonly string[]; plan?: PlanOptions },
): Promise<Map<string, T>> {
  const ids = [...new Set(options.ids)];
  const byId = new Map<string, T>();
  for (const batch of idBatches(ids)) {
    const plan = planQuery(
      { object: options.object, ...options.selection, where: soql`Id IN ${batch}` },
      options.plan,
    );
    const result = await client.query<T>(plan.statement);
    for (const record of result.records) byId.set(String(record.Id), record);
  }
  return byId;
}

/**
 * Loads the children of many parents at once through the parent's child relationship, so that each
 * parent gets its own filter, order and LIMIT: `SELECT Id, (SELECT ... FROM Cases ... LIMIT 5)
 * FROM Contact WHERE Id IN (...)`, one query per 200 parents. Returns each parent's child records
 * (an empty list for a parent without any).
 */
export async function loadChildrenByParentId<T extends SalesforceRecord = SalesforceRecord>(
  client: SalesforceClient,
  options: {
    parentObject: string;
    relationship: string;
    selection: ChildSelection;
    parentIds: readonly string[];
    plan?: PlanOptions;
  },
): Promise<Map<string, T[]>> {
  const ids = [...new Set(options.parentIds)];
  const byParent = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const batch of idBatches(ids)) {
    const plan = planQuery(
      {
        object: options.parentObject,
        fields: [],
        children: { [options.relationship]: options.selection },
        where: soql`Id IN ${batch}`,
      },
      options.plan,
    );
    const result = await client.query(plan.statement);
    for (const parent of result.records) {
      // Salesforce gives null, not an empty QueryResult, for a parent without children.
      const children = parent[options.relationship] as { records?: T[] } | null | undefined;
      byParent.set(String(parent.Id), children?.records ?? []);
    }
  }
  return byParent;
}
