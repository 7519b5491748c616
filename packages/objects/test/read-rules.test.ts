import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCampaigns } from '../src/campaign/index.ts';
import { getCaseByNumber, searchCases } from '../src/case/index.ts';
import { getKnowledgeArticle, searchKnowledge } from '../src/knowledge/index.ts';
import { searchPricebookEntries, searchProducts } from '../src/product/index.ts';
import { defaultOrder } from '../src/read.ts';
import { listQueues, searchUsers, userSpec } from '../src/user/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

// How each object is read is declared once, in its spec; these are the rules every door applies.

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(() => org.close());

type Found = { records: Record<string, unknown>[] };
const names = (found: unknown) => (found as Found).records.map((r) => r.name);

describe('default filters, each with a way to ask for the rest', () => {
  it('leaves inactive users out of a search unless includeInactive is set', async () => {
    expect(names(await searchUsers.run(org.ctx, { term: 'Jordan' }))).toEqual([]);
    expect(names(await searchUsers.run(org.ctx, { term: 'Jordan', includeInactive: true }))).toEqual([
      'Jordan Lee',
    ]);
  });

  it("searches the standard price book's active entries unless allPricebooks or includeInactive is set", async () => {
    const standard = (await searchPricebookEntries.run(org.ctx, { term: 'Enterprise' })) as Found;
    expect(standard.records.map((r) => r.unitPrice)).toEqual([5000]);
    const every = (await searchPricebookEntries.run(org.ctx, {
      term: 'Enterprise',
      allPricebooks: true,
    })) as Found;
    expect(every.records.map((r) => r.unitPrice).sort()).toEqual([4500, 5000]);
    expect(names(await searchPricebookEntries.run(org.ctx, { term: 'Legacy' }))).toEqual([]);
    expect(
      names(await searchPricebookEntries.run(org.ctx, { term: 'Legacy', includeInactive: true })),
    ).toEqual(['Legacy Connector']);
  });

  it('leaves inactive products and campaigns out unless includeInactive is set', async () => {
    expect(names(await searchProducts.run(org.ctx, { term: 'Legacy' }))).toEqual([]);
    expect(names(await searchProducts.run(org.ctx, { term: 'Legacy', includeInactive: true }))).toEqual([
      'Legacy Connector',
    ]);
    expect(names(await searchCampaigns.run(org.ctx, { term: 'Conference' }))).toEqual([]);
    expect(names(await searchCampaigns.run(org.ctx, { term: 'Conference', includeInactive: true }))).toEqual([
      '2025 Customer Conference',
    ]);
  });

  it('refuses a scope value that is not one of its choices, before any call', async () => {
    await org.resetCalls();
    await expect(searchKnowledge.run(org.ctx, { language: 'xx' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await org.calls()).toBe(0);
  });
});

describe('base filters: what a record of the object is at all', () => {
  it('lists queues only, never public groups, by name', async () => {
    const queues = (await listQueues.run(org.ctx, {})) as Found;
    expect(queues.records.map((r) => r.name)).toEqual([
      'Billing Support',
      'Technical Support',
      'Tier 2 Escalations',
    ]);
  });

  it('never answers a draft or archived knowledge article', async () => {
    const found = (await searchKnowledge.run(org.ctx, {})) as Found;
    expect(found.records.length).toBeGreaterThan(0);
    for (const article of found.records) expect(article).not.toHaveProperty('publishStatus', 'Draft');
  });
});

describe('the default order: most recently modified first', () => {
  it('is declared per object, newest first unless the object says otherwise', () => {
    expect(defaultOrder(userSpec)).toEqual([{ field: 'lastModifiedDate', direction: 'DESC' }]);
  });

  it('lists cases newest first, not in Id order', async () => {
    const found = (await searchCases.run(org.ctx, { limit: 50, fields: ['lastModifiedDate'] })) as Found;
    const dates = found.records.map((r) => String(r.lastModifiedDate));
    expect(dates).toEqual([...dates].sort().reverse());
    const ids = found.records.map((r) => String(r.id));
    expect(ids).not.toEqual([...ids].sort());
  });
});

describe('the keys that name one record', () => {
  it('finds a knowledge article by its version Id, its article Id or its number', async () => {
    const byNumber = (await getKnowledgeArticle.run(org.ctx, { articleNumber: '000001234' })) as Record<
      string,
      unknown
    >;
    expect(byNumber).toMatchObject({ articleNumber: '000001234' });
    const byVersion = await getKnowledgeArticle.run(org.ctx, { id: byNumber.id });
    const byArticle = await getKnowledgeArticle.run(org.ctx, { id: byNumber.knowledgeArticleId });
    expect(byVersion).toEqual(byNumber);
    expect(byArticle).toEqual(byNumber);
  });

  it('finds a case by its number, exactly', async () => {
    expect(await getCaseByNumber.run(org.ctx, { caseNumber: '00001104' })).toMatchObject({
      caseNumber: '00001104',
    });
    expect(await getCaseByNumber.run(org.ctx, { caseNumber: '0000110' })).toBeNull();
  });
});
