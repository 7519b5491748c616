import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scale: 200 });
});
afterAll(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;

describe('<objects>Aggregate', () => {
  it('counts cases by status in one Salesforce call, as a count made by hand finds', async () => {
    await h.resetCalls();
    const { body } = await h.graphql<Data>(
      '{ casesAggregate(groupBy: [status]) { keys { name value } count } }',
    );
    expect(body.errors).toBeUndefined();
    expect((await h.calls()).total).toBe(1);
    const byHand = new Map<string, number>();
    let after: string | null = null;
    do {
      const page: { body: Data } = await h.graphql<Data>(
        'query ($after: String) { cases(first: 200, after: $after) { nodes { status } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      for (const c of page.body.data.cases.nodes) byHand.set(c.status, (byHand.get(c.status) ?? 0) + 1);
      after = page.body.data.cases.pageInfo.hasNextPage ? page.body.data.cases.pageInfo.endCursor : null;
    } while (after);
    const groups = new Map(body.data.casesAggregate.map((g: Data) => [g.keys[0].value, g.count]));
    expect(groups).toEqual(byHand);
  });

  it('sums the open pipeline by stage and month, with the object’s where and a having', async () => {
    const { body } = await h.graphql<Data>(
      `{ opportunitiesAggregate(
          where: { isClosed: { eq: false } }
          groupBy: [stageName]
          byDate: [{ field: closeDate, by: CALENDAR_MONTH }]
          measures: [{ fn: SUM, field: "amount" }]
          having: [{ measure: "count", op: gte, value: 2 }]
        ) { keys { name value } count measures { name value } } }`,
    );
    expect(body.errors).toBeUndefined();
    const groups = body.data.opportunitiesAggregate;
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(g.keys.map((k: Data) => k.name)).toEqual(['stageName', 'CALENDAR_MONTH(closeDate)']);
      expect(g.count).toBeGreaterThanOrEqual(2);
      expect(g.measures[0]).toMatchObject({ name: 'sum(amount)', value: expect.any(Number) });
    }
  });

  it('refuses a field the object cannot be grouped or measured by, before any call', async () => {
    await h.resetCalls();
    const { body } = await h.graphql<Data>(
      '{ casesAggregate(measures: [{ fn: SUM, field: "status" }]) { count } }',
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect((await h.calls()).total).toBe(0);
  });
});
