import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertInput } from '../dml/validate.ts';
import { createOrg, type Org } from '../org.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { connect } from '../test-helpers.ts';
import { DEMO, seedDemo } from './demo.ts';
import { scaleCounts, seedScale } from './scale.ts';

type Rec = Record<string, unknown>;
let emulator: RunningEmulator;
let conn: Connection;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  conn = await connect(emulator, DEMO.users.admin, '59.0');
});
afterAll(() => emulator.close());

const query = async (soql: string) => (await conn.query<Rec>(soql)).records;

describe('demo org: the reference documents, query for query', () => {
  it('has case 00001104, owned by the demo admin', async () => {
    const [record] = await query(
      `SELECT Id, CaseNumber, Subject, Description, Status, Owner.Name, Contact.Name, Account.Name FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`,
    );
    expect(record).toMatchObject({
      CaseNumber: '00001104',
      Subject: 'Billing discrepancy on the January invoice',
      Description: expect.stringContaining('charged twice'),
      Status: 'New',
      Owner: { Name: 'Demo Admin' },
      Contact: { Name: 'Sarah Johnson' },
      Account: { Name: 'Acme Corporation' },
    });
  });

  it('identifies the caller by phone: Sarah Johnson, VP of Operations at Acme Corporation', async () => {
    const records = await query(
      `SELECT Id,FirstName,LastName,Email,Phone,Title,Account.Name FROM Contact WHERE Phone='+15552345678' LIMIT 5`,
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      FirstName: 'Sarah',
      LastName: 'Johnson',
      Title: 'VP of Operations',
      Phone: '+15552345678',
      Account: { Name: 'Acme Corporation' },
    });
    const search = await query(
      `SELECT Id,FirstName,LastName,Email,Phone FROM Contact WHERE Name LIKE '%Sarah Johnson%' OR Email LIKE '%Sarah Johnson%' OR Phone LIKE '%Sarah Johnson%' ORDER BY LastModifiedDate DESC LIMIT 10`,
    );
    expect(search.map((r) => r.LastName)).toEqual(['Johnson']);
  });

  it('returns the contact with her three most recent cases', async () => {
    const [contact] = await query(
      `SELECT Id,Name,Email,Phone,Account.Name,(SELECT Id,Subject,Status,Priority,CreatedDate FROM Cases ORDER BY CreatedDate DESC LIMIT 3) FROM Contact WHERE Phone='+15552345678' LIMIT 1`,
    );
    const cases = contact?.Cases as { records: Rec[] };
    expect(cases.records.map((r) => r.Subject)).toEqual([
      'Billing discrepancy on the January invoice',
      'Request for a product demo',
      'Shipment arrived damaged',
    ]);
  });

  it('lists the queues', async () => {
    const queues = await query(
      `SELECT Id,Name,DeveloperName FROM Group WHERE Type='Queue' ORDER BY Name ASC LIMIT 20`,
    );
    expect(queues.map((q) => [q.Name, q.DeveloperName])).toEqual([
      ['Billing Support', 'Billing_Support'],
      ['Technical Support', 'Technical_Support'],
      ['Tier 2 Escalations', 'Tier_2_Escalations'],
    ]);
  });

  it('finds published knowledge about billing', async () => {
    const articles = await query(
      `SELECT Id,Title,Summary,ArticleNumber FROM KnowledgeArticleVersion WHERE PublishStatus='Online' AND Language='en_US' AND Title LIKE '%billing%' ORDER BY LastModifiedDate DESC LIMIT 5`,
    );
    expect(articles).toHaveLength(2);
    const article = articles.find((a) => a.ArticleNumber === '000001234');
    expect(article).toMatchObject({
      Title: 'How to resolve billing discrepancies',
      Summary: expect.stringMatching(/^Steps to check and correct invoice amounts/),
    });
    const byId = await conn.sobject('KnowledgeArticleVersion').retrieve(article?.Id as string);
    expect(byId).toMatchObject({ UrlName: 'how-to-resolve-billing-discrepancies', PublishStatus: 'Online' });
  });

  it('has the Enterprise License with a standard price, and the users and campaign of the examples', async () => {
    const products = await query(
      `SELECT Id,Name,ProductCode,Description,IsActive FROM Product2 WHERE Name LIKE '%Enterprise%' AND IsActive=true ORDER BY Name ASC LIMIT 10`,
    );
    expect(products).toMatchObject([
      {
        Name: 'Enterprise License',
        ProductCode: 'ENT-001',
        Description: 'Annual enterprise license',
        IsActive: true,
      },
    ]);
    const entries = await query(
      `SELECT Id,Product2.Name,Product2.ProductCode,UnitPrice,Pricebook2.Name FROM PricebookEntry WHERE Product2.Name LIKE '%Enterprise%' AND Pricebook2.IsStandard=true LIMIT 10`,
    );
    expect(entries).toMatchObject([
      {
        Product2: { Name: 'Enterprise License', ProductCode: 'ENT-001' },
        UnitPrice: 5000,
        Pricebook2: { Name: 'Standard Price Book' },
      },
    ]);
    const campaigns = await query(
      `SELECT Id,Name,Status,Type,StartDate,EndDate FROM Campaign WHERE Name LIKE '%Q1%' AND IsActive=true ORDER BY StartDate DESC LIMIT 10`,
    );
    expect(campaigns).toMatchObject([
      {
        Name: 'Q1 2026 Outreach',
        Status: 'In Progress',
        Type: 'Email',
        StartDate: '2026-01-01',
        EndDate: '2026-03-31',
      },
    ]);
    const users = await query(
      `SELECT Id,Name,Email,IsActive,Profile.Name FROM User WHERE Name LIKE '%Alex%' AND IsActive=true ORDER BY Name ASC LIMIT 10`,
    );
    expect(users).toMatchObject([
      {
        Name: 'Alex Morgan',
        Email: DEMO.users.standard.username,
        IsActive: true,
        Profile: { Name: 'Standard User' },
      },
    ]);
  });

  it('links activities and notes to Sarah', async () => {
    const [task] = await query(
      `SELECT Subject, TaskSubtype, CallType, Who.Name, What.Name FROM Task WHERE TaskSubtype = 'Call' AND CallType = 'Inbound'`,
    );
    expect(task).toMatchObject({
      Subject: 'Inbound call - invoice discrepancy',
      Who: { Name: 'Sarah Johnson' },
    });
    const [event] = await query(
      `SELECT Subject, StartDateTime, EndDateTime, DurationInMinutes FROM Event WHERE Subject LIKE 'Callback%'`,
    );
    expect(event).toMatchObject({
      StartDateTime: '2026-02-12T10:00:00.000+0000',
      EndDateTime: '2026-02-12T10:30:00.000+0000',
      DurationInMinutes: 30,
    });
    const sarah = (await query(`SELECT Id FROM Contact WHERE Phone = '+15552345678'`))[0]?.Id as string;
    const links = await query(
      `SELECT ContentDocument.Title, ShareType FROM ContentDocumentLink WHERE LinkedEntityId = '${sarah}'`,
    );
    expect(links).toMatchObject([
      { ContentDocument: { Title: 'Call summary - billing question' }, ShareType: 'V' },
    ]);
    const [renewal] = await query(
      `SELECT Amount, HasOpportunityLineItem, (SELECT Quantity, UnitPrice, TotalPrice FROM OpportunityLineItems) FROM Opportunity WHERE Name = 'Acme - Enterprise License Renewal'`,
    );
    expect(renewal).toMatchObject({ Amount: 52500, HasOpportunityLineItem: true });
  });
});

/** Every row of the main tables, in a stable order, for comparing two seeds. */
function dump(org: Org): string {
  return [
    'User',
    'Account',
    'Contact',
    'Lead',
    'Case',
    'Opportunity',
    'OpportunityLineItem',
    'Task',
    'Event',
    'ContentNote',
  ]
    .map((table) => JSON.stringify(org.db.prepare(`SELECT * FROM "${table}" ORDER BY "Id"`).all()))
    .join('\n');
}

describe('seeds are deterministic', () => {
  it('seeds the same demo org twice', () => {
    const a = createOrg();
    const b = createOrg();
    seedDemo(a);
    seedDemo(b);
    expect(dump(a)).toBe(dump(b));
    a.close();
    b.close();
  });

  it('seeds the same volume twice, valid by the API rules', () => {
    const now = () => new Date('2026-03-01T00:00:00.000Z');
    const [a, b] = [createOrg({ now }), createOrg({ now })] as [Org, Org];
    seedDemo(a);
    seedDemo(b);
    const progress: number[] = [];
    expect(seedScale(a, 300, { onProgress: (done) => progress.push(done) })).toEqual(scaleCounts(300));
    seedScale(b, 300);
    expect(dump(a)).toBe(dump(b));
    const total = Object.values(scaleCounts(300)).reduce((x, y) => x + y, 0);
    expect(progress.at(-1)).toBe(total);
    // Every generated contact and case would pass the API's own validation.
    for (const name of ['Contact', 'Case', 'Lead', 'Opportunity', 'Event']) {
      const object = a.catalog.object(name);
      if (!object) throw new Error(name);
      const writable = object.fields.filter((f) => f.createable).map((f) => f.name);
      for (const row of a.db.prepare(`SELECT * FROM "${name}" LIMIT 40`).all() as Rec[]) {
        const value = Object.fromEntries(
          writable.map((f) => [
            f,
            typeof row[f] === 'number' && object.fields.find((x) => x.name === f)?.type === 'boolean'
              ? Boolean(row[f])
              : row[f],
          ]),
        );
        expect(() => convertInput(a, object, { value }, 'create'), `${name} ${row.Id}`).not.toThrow();
      }
    }
    const numbers = a.db
      .prepare(`SELECT COUNT(DISTINCT "CaseNumber") AS d, COUNT(*) AS n FROM "Case"`)
      .get() as { d: number; n: number };
    expect(numbers.d).toBe(numbers.n);
    a.close();
    b.close();
  });

  it('creates an owner when the org was seeded with nothing', () => {
    const org = createOrg();
    seedScale(org, 10);
    expect(org.db.prepare(`SELECT "Username" FROM "User"`).all()).toEqual([{ Username: 'seed@sfgql.dev' }]);
    expect((org.db.prepare(`SELECT COUNT(*) AS n FROM "Contact"`).get() as { n: number }).n).toBe(10);
    org.close();
  });
});
