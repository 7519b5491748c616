import { exportStatement } from '@sfgql/objects/export';
import { STANDARD_SPECS } from '@sfgql/objects/specs';
import { createSalesforceClient } from '@sfgql/soql';
import { bulkExport } from '@sfgql/soql/bulk';
import { type DemoOrg, startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let org: DemoOrg;
beforeAll(async () => {
  org = await startDemoOrg();
});
afterAll(() => org.close());

describe('an export of every object of the catalog', () => {
  it.each(STANDARD_SPECS.map((spec) => [spec.apiName, spec] as const))(
    '%s: Bulk API 2.0 takes its statement, and finds the records the REST API finds under the same read rules',
    async (_, spec) => {
      const client = createSalesforceClient({ session: org.session });
      const statement = exportStatement(spec);
      let text = '';
      for await (const chunk of bulkExport(client, statement, { format: 'ndjson', pollIntervalMs: 20 }))
        text += chunk;
      const exported = text
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { Id: string }).Id);
      const { records } = await client.query(statement);
      expect(exported.sort()).toEqual(records.map((r) => r.Id as string).sort());
      // The demo org has records of every object, so no comparison is of two empty lists.
      expect(exported.length).toBeGreaterThan(0);
    },
  );
});
