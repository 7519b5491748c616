import type { Org } from '../org.ts';
import { transaction } from '../store/database.ts';
import { insertRow } from '../store/records.ts';
import type { StoredValue } from '../store/values.ts';

/**
 * The demo org's contract, relied on by tests, docs and the quick start.
 * The password grant takes `password + securityToken`: `demo1234DEMOTOKEN`.
 */
export const DEMO = {
  username: 'demo@sfgql.dev',
  password: 'demo1234',
  securityToken: 'DEMOTOKEN',
  clientId: 'sfgql-demo',
  clientSecret: 'sfgql-demo-secret',
  caseNumber: '00001104',
} as const;

/** Seeds the demo org deterministically (same data, same ids, every time). */
export function seedDemo(org: Org): void {
  const now = new Date('2026-01-15T09:00:00.000Z');
  transaction(org.db, () => {
    const insert = (objectName: string, values: Record<string, StoredValue>, userId: string) => {
      const object = org.catalog.object(objectName);
      if (!object) throw new Error(`Unknown object ${objectName}`);
      return insertRow(org.db, org.catalog, object, values, { userId, now }).Id as string;
    };
    // The first user creates itself: its Id is known before the insert (the sequence starts at 1).
    const adminId = insert(
      'User',
      {
        Username: DEMO.username,
        FirstName: 'Demo',
        LastName: 'Admin',
        Email: DEMO.username,
        Alias: 'demo',
        Title: 'Salesforce Administrator',
      },
      'pending',
    );
    org.db
      .prepare(`UPDATE "User" SET "CreatedById" = ?, "LastModifiedById" = ? WHERE "Id" = ?`)
      .run(adminId, adminId, adminId);
    org.db
      .prepare('INSERT INTO _credentials (userId, password, securityToken) VALUES (?, ?, ?)')
      .run(adminId, DEMO.password, DEMO.securityToken);
    org.db
      .prepare('INSERT INTO _connected_apps (clientId, clientSecret, name, callbackUrls) VALUES (?, ?, ?, ?)')
      .run(
        DEMO.clientId,
        DEMO.clientSecret,
        'sfgql demo',
        JSON.stringify(['http://127.0.0.1:4000/oauth/callback']),
      );

    const acme = insert(
      'Account',
      {
        Name: 'Acme Corporation',
        Industry: 'Manufacturing',
        Phone: '+15551234567',
        Website: 'https://acme.example.com',
        Type: 'Customer - Direct',
      },
      adminId,
    );
    const sarah = insert(
      'Contact',
      {
        AccountId: acme,
        FirstName: 'Sarah',
        LastName: 'Johnson',
        Title: 'VP of Operations',
        Email: 'sarah.johnson@acme.example.com',
        Phone: '+15552345678',
      },
      adminId,
    );
    // Case numbers continue an existing sequence, so that the guide's example case is 00001104.
    org.db.prepare(`INSERT OR REPLACE INTO _sequences (name, value) VALUES ('Case.CaseNumber', 1100)`).run();
    const cases: Record<string, StoredValue>[] = [
      {
        Subject: 'Cannot log in to the customer portal',
        Status: 'Closed',
        Priority: 'Medium',
        Origin: 'Web',
      },
      { Subject: 'Shipment arrived damaged', Status: 'Working', Priority: 'High', Origin: 'Phone' },
      { Subject: 'Request for a product demo', Status: 'New', Priority: 'Low', Origin: 'Email' },
      {
        Subject: 'Billing discrepancy on the January invoice',
        Description:
          'The customer was charged twice for the Enterprise License on the January invoice and asks for a refund of the duplicate charge.',
        Status: 'New',
        Priority: 'High',
        Origin: 'Phone',
        Type: 'Billing',
      },
    ];
    for (const values of cases) insert('Case', { ...values, ContactId: sarah, AccountId: acme }, adminId);
  });
}
