import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

/** Layouts, list views and the query plan tool through jsforce's own calls for them. */
let emulator: RunningEmulator;
let conn: Connection;
let token: string;
const V = '/services/data/v60.0';
// biome-ignore lint/suspicious/noExplicitAny: layouts and list views are untyped JSON.
type Rec = Record<string, any>;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  conn = await connect(emulator);
  token = await login(emulator);
});
afterAll(() => emulator.close());

/** jsforce's listviews() (typed loosely by jsforce). */
const listViewsOf = async (type: string) =>
  ((await conn.sobject(type).listviews()) as unknown as { listviews: Rec[] }).listviews;

describe('layouts', () => {
  it('describes the page layout with sections, fields and related lists', async () => {
    const res = await conn.sobject('Account').layouts();
    expect(res.layouts).toHaveLength(1);
    const layout = res.layouts[0] as unknown as Rec;
    expect(layout.id).toMatch(/^00h/);
    expect(layout.buttonLayoutSection).toEqual({ detailButtons: [] });
    expect(layout.quickActionList).toEqual({ quickActionListItems: [] });
    const items = layout.detailLayoutSections[0].layoutRows.flatMap((r: Rec) => r.layoutItems);
    const name = items.find((i: Rec) => i.layoutComponents[0]?.value === 'Name');
    expect(name).toMatchObject({ label: 'Account Name', required: true, editableForNew: true });
    expect(name.layoutComponents[0].details).toMatchObject({ name: 'Name', type: 'string' });
    // Compound components show through their compound field, not one by one.
    const values = items.map((i: Rec) => i.layoutComponents[0]?.value);
    expect(values).toContain('BillingAddress');
    expect(values).not.toContain('BillingCity');
    expect(values).not.toContain('SystemModstamp');
    expect(layout.relatedLists.map((r: Rec) => r.name)).toEqual(
      expect.arrayContaining(['Contacts', 'Opportunities']),
    );
    expect(res.recordTypeMappings[0]).toMatchObject({ recordTypeId: '012000000000000AAA', master: true });
    expect(res.recordTypeSelectorRequired).toEqual([false]);
    const byRecordType = await call(
      emulator,
      token,
      'GET',
      `${V}/sobjects/Account/describe/layouts/012000000000000AAA`,
    );
    expect(byRecordType.body.id).toBe(layout.id);
    expect(
      (await call(emulator, token, 'GET', `${V}/sobjects/Account/describe/layouts/012000000000001AAA`))
        .status,
    ).toBe(404);
  });

  it('serves User named layout UserAlt and lists it in describe', async () => {
    const res = await conn.sobject('User').layouts('UserAlt');
    expect(res.layouts).toHaveLength(1);
    const describe = await conn.sobject('User').describe();
    expect((describe as unknown as { namedLayoutInfos: unknown }).namedLayoutInfos).toEqual([
      { name: 'UserAlt' },
    ]);
    expect(
      (await call(emulator, token, 'GET', `${V}/sobjects/Account/describe/namedLayouts/UserAlt`)).status,
    ).toBe(404);
  });

  it('serves compact layouts per object, by record type, and for several objects at once', async () => {
    const res = await conn.sobject('Contact').compactLayouts();
    const layout = res.compactLayouts[0] as unknown as Rec;
    expect(layout).toMatchObject({ name: 'SYSTEM', objectType: 'Contact', actions: [], id: null });
    expect(layout.fieldItems[0].layoutComponents[0].value).toBe('Name');
    expect(res.recordTypeCompactLayoutMappings[0]).toMatchObject({ compactLayoutName: 'SYSTEM' });
    const primary = await call(
      emulator,
      token,
      'GET',
      `${V}/sobjects/Contact/describe/compactLayouts/primary`,
    );
    expect(primary.body.name).toBe('SYSTEM');
    const global = await call(emulator, token, 'GET', `${V}/compactLayouts?q=Account,Case`);
    expect(Object.keys(global.body)).toEqual(['Account', 'Case']);
    expect(global.body.Case.fieldItems[0].layoutComponents[0].value).toBe('CaseNumber');
    expect((await call(emulator, token, 'GET', `${V}/compactLayouts?q=Nope__c`)).body[0].errorCode).toBe(
      'INVALID_TYPE',
    );
  });

  it('answers no approval layouts, and never reads these paths as external ids', async () => {
    expect(await conn.sobject('Account').approvalLayouts()).toEqual({ approvalLayouts: [] });
    for (const path of [
      'describe/layouts',
      'describe/compactLayouts',
      'describe/approvalLayouts',
      'listviews',
    ]) {
      const response = await call(emulator, token, 'GET', `${V}/sobjects/Account/${path}`);
      expect(response.status, path).toBe(200);
    }
    const describe = await call(emulator, token, 'GET', `${V}/sobjects/Account/describe`);
    expect(describe.body.urls).toMatchObject({
      layouts: `${V}/sobjects/Account/describe/layouts`,
      listviews: `${V}/sobjects/Account/listviews`,
    });
  });
});

describe('list views', () => {
  it('lists All and My views, describes them and runs them with paging', async () => {
    const views = await listViewsOf('Case');
    expect(views.map((v) => v.label)).toEqual(['All Cases', 'My Cases']);
    const [all, mine] = views as [Rec, Rec];
    expect(all).toMatchObject({
      developerName: 'AllCases',
      soqlCompatible: true,
      id: expect.stringMatching(/^00B/),
    });

    const described = (await conn.sobject('Case').listview(all.id).describe()) as unknown as Rec;
    expect(described).toMatchObject({ sobjectType: 'Case', scope: 'everything', id: all.id });
    expect(described.query).toMatch(
      /^SELECT CaseNumber, .*Owner\.Alias, Id, CreatedDate, LastModifiedDate, SystemModstamp FROM Case ORDER BY CaseNumber ASC NULLS FIRST, Id ASC NULLS FIRST$/,
    );
    for (const column of described.columns) {
      expect(typeof column.selectListItem).toBe('string');
      expect(typeof column.sortable).toBe('boolean');
    }

    const results = (await conn.sobject('Case').listview(all.id).results()) as unknown as Rec;
    const total = (await conn.query('SELECT COUNT() FROM Case')).totalSize;
    expect(results).toMatchObject({ id: all.id, label: 'All Cases', size: total, done: total <= 25 });
    const first = results.records[0].columns;
    expect(first[0]).toEqual({ fieldNameOrPath: 'CaseNumber', value: expect.stringMatching(/^\d{8}$/) });
    expect(first.find((c: Rec) => c.fieldNameOrPath === 'Owner.Alias').value).toEqual(expect.any(String));

    const page = await call(
      emulator,
      token,
      'GET',
      `${V}/sobjects/Case/listviews/${all.id}/results?limit=2&offset=1`,
    );
    expect(page.body.records).toHaveLength(2);
    expect(page.body.records[0].columns[0].value).toBe(results.records[1].columns[0].value);

    const agent = await login(emulator, DEMO.users.standard);
    const theirs = await call(emulator, agent, 'GET', `${V}/sobjects/Case/listviews/${mine.id}/results`);
    const owned = await call(
      emulator,
      agent,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT COUNT() FROM Case USING SCOPE mine')}`,
    );
    expect(theirs.body.size).toBe(owned.body.totalSize);
    expect(theirs.body.size).toBeLessThan(total);
  });

  it('answers 404 for an unknown view or a view of another object, and 400 for a bad limit', async () => {
    const [view] = await listViewsOf('Case');
    expect((await call(emulator, token, 'GET', `${V}/sobjects/Account/listviews/${view?.id}`)).status).toBe(
      404,
    );
    expect((await call(emulator, token, 'GET', `${V}/sobjects/Case/listviews/00B000000000999`)).status).toBe(
      404,
    );
    expect(
      (await call(emulator, token, 'GET', `${V}/sobjects/Case/listviews/${view?.id}/results?limit=x`)).status,
    ).toBe(400);
  });
});

describe('explain', () => {
  it('reports an index plan for a selective filter on an indexed field, and a table scan otherwise', async () => {
    const explain = (soql: string) =>
      call(emulator, token, 'GET', `${V}/query?explain=${encodeURIComponent(soql)}`).then((r) => r.body);
    const byNumber = await explain(`SELECT Id FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`);
    expect(byNumber.sourceQuery).toContain('CaseNumber');
    expect(byNumber.plans[0]).toMatchObject({
      leadingOperationType: 'Index',
      fields: ['CaseNumber'],
      cardinality: 1,
      sobjectType: 'Case',
    });
    expect(byNumber.plans[0].sobjectCardinality).toBeGreaterThan(1);
    expect(byNumber.plans[0].relativeCost).toBeLessThan(1);
    const scan = await explain("SELECT Id FROM Case WHERE Status = 'New'");
    expect(scan.plans).toHaveLength(1);
    expect(scan.plans[0]).toMatchObject({ leadingOperationType: 'TableScan', fields: [] });
    const bad = await call(
      emulator,
      token,
      'GET',
      `${V}/query?explain=${encodeURIComponent('SELECT Nope FROM Case')}`,
    );
    expect(bad.body[0].errorCode).toBe('INVALID_FIELD');
  });

  it("explains a list view's query by the view's id", async () => {
    const [view] = await listViewsOf('Account');
    const result = (await conn
      .sobject('Account')
      .listview(view?.id as string)
      .explain()) as unknown as Rec;
    expect(result.plans[0]).toMatchObject({
      sobjectType: 'Account',
      leadingOperationType: expect.any(String),
    });
    expect(result.sourceQuery).toMatch(/FROM Account/);
  });
});
