import { soql } from '@sfgql/soql';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callerContext } from '../src/confirmed.ts';

let org: Awaited<ReturnType<typeof startDemoOrg>>;
beforeAll(async () => {
  org = await startDemoOrg();
});
afterAll(() => org.close());

it("gives a door a client acting as the caller, on the door's API version, and the principal its confirmations bind", async () => {
  const caller = { session: org.session, userId: '005000000000001AAA', orgId: '00D000000000001AAA' };
  const { client, principal } = callerContext(caller, { clientId: 'mcp', apiVersion: '58.0' });
  expect(principal).toEqual({ userId: caller.userId, orgId: caller.orgId, clientId: 'mcp' });
  expect(client.apiVersion).toBe('58.0');
  const found = await client.query(soql`SELECT CaseNumber FROM Case WHERE CaseNumber = '00001104'`);
  expect(found.records.map((r) => r.CaseNumber)).toEqual(['00001104']);
});
