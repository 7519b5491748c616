import type { Hono } from 'hono';
import type { Org } from '../org.ts';
import { ALLOCATIONS, type Allocation, allocationUsed } from '../store/allocations.ts';
import type { Env } from './app.ts';

/** Salesforce counts roughly 2 KB of data storage per record. */
const BYTES_PER_RECORD = 2048;

/** Fixed allowances the emulator reports but does not enforce (a developer org's values, unconfirmed). */
const STATIC_LIMITS: Record<string, number> = {
  ConcurrentAsyncGetReportInstances: 200,
  ConcurrentSyncReportRuns: 20,
  DailyAsyncApexExecutions: 250000,
  DailyGenericStreamingApiEvents: 10000,
  DailyStreamingApiEvents: 10000,
  DailyWorkflowEmails: 405,
  FileStorageMB: 20,
  HourlyDashboardRefreshes: 200,
  HourlyODataCallout: 10000,
  MassEmail: 10,
  SingleEmail: 15,
  StreamingApiConcurrentClients: 20,
};

/**
 * `GET /limits`: DailyApiRequests from the meter, Bulk API allocations from their counters, data
 * storage from the row count, the rest fixed.
 */
export function registerLimitsRoute(app: Hono<Env>, org: Org): void {
  app.get('/services/data/:version/limits', (c) => {
    const usage = org.meter.usage();
    let records = 0;
    for (const object of org.catalog.objects) {
      records += (
        org.db.prepare(`SELECT COUNT(*) AS n FROM "${object.name}" WHERE "IsDeleted" = 0`).get() as {
          n: number;
        }
      ).n;
    }
    const dataMax = 1024;
    const limits: Record<string, { Max: number; Remaining: number }> = {
      DailyApiRequests: { Max: usage.max, Remaining: Math.max(0, usage.max - usage.used) },
      DataStorageMB: {
        Max: dataMax,
        Remaining: dataMax - Math.ceil((records * BYTES_PER_RECORD) / 1024 / 1024),
      },
    };
    for (const [name, max] of Object.entries(STATIC_LIMITS)) limits[name] = { Max: max, Remaining: max };
    for (const [name, max] of Object.entries(ALLOCATIONS)) {
      limits[name] = {
        Max: max,
        Remaining: Math.max(0, Math.floor(max - allocationUsed(org, name as Allocation))),
      };
    }
    return c.json(Object.fromEntries(Object.entries(limits).sort(([a], [b]) => a.localeCompare(b))));
  });
}
