import { afterAll, beforeAll, expect, it } from 'vitest';
import { searchKnowledge } from '../src/knowledge/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

// The order of a knowledge search is Salesforce's relevance, which the emulator ranks by term
// frequency, a match in the title above one in the summary above one in the body.

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(() => org.close());

const numbers = async (term: string) =>
  ((await searchKnowledge.run(org.ctx, { term })) as { records: { articleNumber: string }[] }).records.map(
    (r) => r.articleNumber,
  );

it('ranks the article whose title holds the words above one whose summary does', async () => {
  expect(await numbers('invoice')).toEqual(['000001235', '000001234']);
});

it('ranks the article matching more of the words first', async () => {
  expect(await numbers('billing cycle')).toEqual(['000001235', '000001234']);
  expect((await numbers('charged twice refund duplicate'))[0]).toBe('000001234');
});
