import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../src/errors.ts';
import { searchKnowledge } from '../src/knowledge/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

// Knowledge search in full text (SOSL over the published versions): any of the question's words, in
// the title, the summary or the body. The order of relevance is tested apart
// (search.knowledge.emulator.test.ts): it is the emulator's ranking, as it is Salesforce's.

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(() => org.close());

const numbers = async (input: Record<string, unknown>) =>
  ((await searchKnowledge.run(org.ctx, input)) as { records: { articleNumber: string }[] }).records.map(
    (r) => r.articleNumber,
  );

describe('searchKnowledge', () => {
  it('finds the duplicate-charge article by the words of its summary, in one call', async () => {
    await org.resetCalls();
    // The invoice article speaks of refunds in its body: it comes after.
    expect(await numbers({ term: 'refund' })).toEqual(['000001234', '000001235']);
    expect(await org.calls()).toBe(1);
    for (const term of ['duplicate', 'discrepancy', 'billing discrepancy', 'charged twice refund'])
      expect(await numbers({ term }), term).toContain('000001234');
  });

  it('finds every form of a word: plurals, past tenses, gerunds', async () => {
    for (const term of ['refunds', 'refunding', 'discrepancies', 'charges', 'duplicated'])
      expect(await numbers({ term }), term).toContain('000001234');
  });

  it('finds only published articles in the language asked for', async () => {
    // The draft and the archived article both speak of billing and of the legacy connector.
    expect(await numbers({ term: 'partners connector' })).toEqual([]);
    expect(await numbers({ term: 'billing', language: 'fr' })).toEqual([]);
  });

  it('searches hostile text as words, and refuses a term with nothing to search', async () => {
    // What its one real word finds, and nothing of another object.
    expect(await numbers({ term: "refund} RETURNING Contact(Id) OR {x' OR Id != null" })).toEqual(
      await numbers({ term: 'refund' }),
    );
    const refused = await searchKnowledge.run(org.ctx, { term: '?? !' }).catch((e: unknown) => e);
    expect(reportError(refused)).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    // Without words, the latest articles.
    expect((await numbers({})).length).toBe(4);
  });
});
