import type { Org } from '../org.ts';
import { quoteIdent, transaction } from '../store/database.ts';
import { seedDemo } from './demo.ts';

/**
 * Wipes every record, credential, connected app, Bulk API job and sequence, then seeds the demo org again (or
 * nothing). Sessions are kept: the demo seed is deterministic, so a token issued to the demo admin
 * before the reset still names the same user after it. Metrics and API usage start from zero.
 */
export function resetOrg(org: Org, seed: 'demo' | 'none'): void {
  transaction(org.db, () => {
    for (const object of org.catalog.objects) org.db.exec(`DELETE FROM ${quoteIdent(object.name)}`);
    org.db.exec(
      'DELETE FROM _sequences; DELETE FROM _credentials; DELETE FROM _login_failures; DELETE FROM _connected_apps; DELETE FROM _deleted; DELETE FROM _bulk_rows; DELETE FROM _bulk_jobs; DELETE FROM _allocations;',
    );
    if (seed === 'demo') seedDemo(org);
  });
  org.meter.resetMetrics();
  org.meter.resetUsage();
}
