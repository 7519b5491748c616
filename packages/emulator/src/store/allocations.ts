/**
 * Daily allocations besides DailyApiRequests (which the meter keeps): Bulk API 2.0's batches,
 * query jobs and query result storage, counted per UTC day of the org's clock (Salesforce's window
 * is a rolling 24 hours, as for DailyApiRequests) and reported by `/limits`.
 */
import type { Org } from '../org.ts';
import { statement } from './database.ts';

/** The allocations counted here, with Salesforce's default maximum for each. */
export const ALLOCATIONS = {
  /** Bulk API and Bulk API 2.0 batches: an ingest job counts one per 10,000 records. */
  DailyBulkApiBatches: 15000,
  /** Bulk API 2.0 query jobs created. */
  DailyBulkV2QueryJobs: 10000,
  /** Megabytes of Bulk API 2.0 query results stored. */
  DailyBulkV2QueryFileStorageMB: 976562,
} as const;
export type Allocation = keyof typeof ALLOCATIONS;

const today = (org: Org) => org.now().toISOString().slice(0, 10);

/** How much of an allocation today has used. */
export function allocationUsed(org: Org, name: Allocation): number {
  const row = statement(org.db, 'SELECT used FROM _allocations WHERE day = ? AND name = ?').get(
    today(org),
    name,
  ) as { used: number } | undefined;
  return row?.used ?? 0;
}

/** True when `amount` more fits in today's allocation. */
export function allocationAllows(org: Org, name: Allocation, amount = 1): boolean {
  return allocationUsed(org, name) + amount <= ALLOCATIONS[name];
}

/** Counts `amount` of an allocation for today. */
export function useAllocation(org: Org, name: Allocation, amount = 1): void {
  statement(
    org.db,
    'INSERT INTO _allocations (day, name, used) VALUES (?, ?, ?) ON CONFLICT(day, name) DO UPDATE SET used = used + excluded.used',
  ).run(today(org), name, amount);
}
