import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateRecords, planAggregate } from '../src/aggregate.ts';
import { caseSpec } from '../src/case/spec.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(() => org.close());

type Groups = {
  groups: { keys: Record<string, unknown>; count: number; measures: Record<string, unknown> }[];
};

/** Every record of the object, counted by hand. */
async function countBy(object: string, field: string) {
  const result = await org.ctx.client.query(soql`SELECT ${soql.ident(field)} FROM ${soql.ident(object)}`);
  const counts = new Map<unknown, number>();
  for (const r of result.records) counts.set(r[field] ?? null, (counts.get(r[field] ?? null) ?? 0) + 1);
  return counts;
}

describe('aggregateRecords', () => {
  it('counts cases by status in one call, matching a count made by hand', async () => {
    await org.resetCalls();
    const answer = (await aggregateRecords.run(org.ctx, { object: 'Case', groupBy: ['status'] })) as Groups;
    expect(await org.calls()).toBe(1);
    const byHand = await countBy('Case', 'Status');
    expect(new Map(answer.groups.map((g) => [g.keys.status, g.count]))).toEqual(byHand);
  });

  it('sums the pipeline by stage and by month of the close date, and filters before and after grouping', async () => {
    const answer = (await aggregateRecords.run(org.ctx, {
      object: 'Opportunity',
      groupBy: ['stageName'],
      byDate: [{ field: 'closeDate', by: 'CALENDAR_MONTH' }],
      measures: [
        { fn: 'SUM', field: 'amount' },
        { fn: 'MAX', field: 'amount' },
      ],
      where: { isClosed: { eq: false } },
      having: [{ measure: 'count', op: 'gte', value: 1 }],
    })) as Groups;
    expect(answer.groups.length).toBeGreaterThan(0);
    for (const g of answer.groups) {
      expect(Object.keys(g.keys)).toEqual(['stageName', 'CALENDAR_MONTH(closeDate)']);
      expect(Number(g.keys['CALENDAR_MONTH(closeDate)'])).toBeGreaterThanOrEqual(1);
      expect(g.measures['sum(amount)']).toEqual(expect.any(Number));
      expect(g.count).toBeGreaterThanOrEqual(1);
    }
    const open = await org.ctx.client.query(soql`SELECT Amount FROM Opportunity WHERE IsClosed = false`);
    const total = open.records.reduce((sum, r) => sum + Number(r.Amount ?? 0), 0);
    expect(answer.groups.reduce((sum, g) => sum + Number(g.measures['sum(amount)'] ?? 0), 0)).toBeCloseTo(
      total,
    );
  });

  it("applies the object's default filters unless lifted: active products only", async () => {
    const active = (await aggregateRecords.run(org.ctx, { object: 'Product2' })) as Groups;
    const all = (await aggregateRecords.run(org.ctx, {
      object: 'Product2',
      scopes: { includeInactive: true },
    })) as Groups;
    expect((all.groups[0]?.count ?? 0) - (active.groups[0]?.count ?? 0)).toBe(1);
  });

  it('refuses what the object cannot do, before any call, naming what it can', async () => {
    await org.resetCalls();
    const bad = [
      { object: 'Case', groupBy: ['description'] },
      { object: 'Case', measures: [{ fn: 'SUM', field: 'status' }] },
      { object: 'Case', groupBy: ['status', 'priority', 'origin', 'type'] },
      { object: 'Case', having: [{ measure: 'sum(amount)', op: 'gt', value: 1 }] },
      { object: 'Case', where: { status: { eq: 5 } } },
      { object: 'Case', where: { nope: { eq: 'x' } } },
      { object: 'Case', where: { status: { eq: "New' OR Id != null OR Status = '" } }, groupBy: ['nope'] },
      { object: 'Nope' },
    ];
    for (const input of bad)
      await expect(aggregateRecords.run(org.ctx, input), JSON.stringify(input)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    expect(await org.calls()).toBe(0);
  });

  it('keeps a hostile value a literal', async () => {
    const answer = (await aggregateRecords.run(org.ctx, {
      object: 'Case',
      where: { status: { eq: "New' OR Id != null OR Status = '" } },
    })) as Groups;
    expect(answer.groups[0]?.count).toBe(0);
    expect(planAggregate(caseSpec, { where: { subject: { like: "%'%" } } }).statement.text).toContain(
      "LIKE '%\\'%'",
    );
  });
});
