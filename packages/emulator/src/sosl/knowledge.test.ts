import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

/**
 * Full-text Knowledge search over the demo articles: Title, Summary and the Answer body are
 * searched, English words are stemmed, and articles come by relevance (Title above Summary above
 * the body), filtered by publish status and language in the RETURNING clause.
 */
let emulator: RunningEmulator;
let conn: Connection;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  conn = await connect(emulator);
  token = await login(emulator);
});
afterAll(() => emulator.close());

const ONLINE = "WHERE PublishStatus = 'Online' AND Language = 'en_US'";
const articles = async (term: string, where = ONLINE) => {
  const result = (await conn.search(
    `FIND {${term}} IN ALL FIELDS RETURNING KnowledgeArticleVersion(Id, ArticleNumber, Title ${where})`,
  )) as unknown as { searchRecords: { ArticleNumber: string }[] };
  return result.searchRecords.map((r) => r.ArticleNumber);
};

describe('Knowledge search', () => {
  it('finds the billing article by words of its summary and body, first', async () => {
    for (const term of [
      'refund',
      'duplicate',
      'discrepancy',
      'billing discrepancy',
      'charged twice refund',
    ]) {
      const found = await articles(term);
      expect(found[0], term).toBe('000001234');
    }
    // Words next to each other are ANDed: only the billing article has all three.
    expect(await articles('charged twice refund')).toEqual(['000001234']);
    // With OR, the invoice article (charged, refunds in its body) comes after it.
    expect(await articles('charged OR twice OR refund')).toEqual(['000001234', '000001235']);
  });

  it('stems English words: discrepancy finds discrepancies, refunds finds refund', async () => {
    expect(await articles('discrepancies')).toEqual(['000001234']);
    expect(await articles('refunds')).toEqual(['000001234', '000001235']);
    expect(await articles('refund*')).toEqual(['000001234', '000001235']);
  });

  it('ranks a match in the title above matches in the summary and the body', async () => {
    // "invoice" is in the title of 000001235, and only in the summary and body of 000001234.
    expect(await articles('invoice')).toEqual(['000001235', '000001234']);
    // "password" is in title, summary and body of 000001236 only.
    expect(await articles('password')).toEqual(['000001236']);
  });

  it('applies the publish status and language filters of the RETURNING clause', async () => {
    // The draft partner FAQ mentions refunds too.
    expect(await articles('partner', "WHERE PublishStatus = 'Draft' AND Language = 'en_US'")).toEqual([
      '000001238',
    ]);
    expect(await articles('partner')).toEqual([]);
    expect(await articles('refund', "WHERE PublishStatus = 'Online' AND Language = 'fr'")).toEqual([]);
    const unfiltered = await call(
      emulator,
      token,
      'GET',
      `/services/data/v60.0/search?q=${encodeURIComponent('FIND {refund} RETURNING KnowledgeArticleVersion(Id)')}`,
    );
    expect(unfiltered.status).toBe(400);
    expect(unfiltered.body[0].message).toContain('PublishStatus');
  });

  it('serves the same search through parameterized search', async () => {
    const response = await call(emulator, token, 'POST', '/services/data/v60.0/parameterizedSearch', {
      q: 'refund',
      fields: ['Id', 'ArticleNumber', 'Title', 'Summary'],
      sobjects: [
        { name: 'KnowledgeArticleVersion', where: "PublishStatus = 'Online' AND Language = 'en_US'" },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.searchRecords.map((r: { ArticleNumber: string }) => r.ArticleNumber)).toEqual([
      '000001234',
      '000001235',
    ]);
    expect(response.body.searchRecords[0].Summary).toContain('refund duplicate charges');
  });

  it('returns the body field with the article', async () => {
    const { records } = await conn.query<{ Answer__c: string }>(
      `SELECT Answer__c FROM KnowledgeArticleVersion WHERE PublishStatus = 'Online' AND ArticleNumber = '000001234'`,
    );
    expect(records[0]?.Answer__c).toContain('charged twice for the same invoice');
  });
});
