import { hasSearchableWord } from '@sfgql/soql';
import { z } from 'zod';
import { idSchema } from '../input.ts';
import { defineRead } from '../operation.ts';
import { runList, runOne, scopeShape } from '../read.ts';
import { compactKeys, recordSchema } from '../spec.ts';
import { KNOWLEDGE_LANGUAGES, knowledgeSpec } from './spec.ts';

export { KNOWLEDGE_LANGUAGES, knowledgeSpec };

/**
 * Searches published articles in one language, in full text: any of the words, in the title, the
 * summary or the body, the most relevant first; without words, the latest articles.
 */
export const searchKnowledge = defineRead({
  name: 'searchKnowledge',
  object: knowledgeSpec,
  summary:
    'Search published knowledge articles in full text (title, summary and body), the most relevant first, to answer a customer question.',
  input: z.strictObject({
    term: z
      .string()
      .trim()
      .max(200)
      .refine((t) => t === '' || hasSearchableWord(t), 'needs a word of at least two letters or digits')
      .optional()
      .describe(
        'A few words of the question, e.g. "refund duplicate charge" (any of them may match); leave out for the latest articles.',
      ),
    ...scopeShape(knowledgeSpec, 'lists'),
    limit: z.int().min(1).max(50).default(10).describe('How many articles (1-50, default 10).'),
  }),
  output: z.object({ records: z.array(recordSchema(knowledgeSpec, compactKeys(knowledgeSpec))) }),
  rest: { method: 'get', path: '/knowledge-articles' },
  view: { kind: 'list', object: knowledgeSpec },
  async execute(ctx, input) {
    const { term, limit } = input;
    return { records: await runList(ctx, knowledgeSpec, { term, scopes: input, limit }) };
  },
});

/** Gets one published article by its version Id, article Id or article number. */
export const getKnowledgeArticle = defineRead({
  name: 'getKnowledgeArticle',
  object: knowledgeSpec,
  verb: 'get',
  summary: 'Get a published knowledge article by its Id or article number.',
  input: z
    .strictObject({
      id: idSchema(['KnowledgeArticleVersion', 'KnowledgeArticle'])
        .optional()
        .describe('The article or article version Id.'),
      articleNumber: z.string().trim().min(1).max(30).optional().describe('The article number.'),
      ...scopeShape(knowledgeSpec, 'one'),
    })
    .refine((v) => Boolean(v.id) !== Boolean(v.articleNumber), { message: 'give id or articleNumber' }),
  output: recordSchema(knowledgeSpec).nullable(),
  rest: { method: 'get', path: '/knowledge-articles/article' },
  view: { kind: 'one', object: knowledgeSpec },
  execute: (ctx, input) =>
    runOne(ctx, knowledgeSpec, {
      ...(input.id ? { id: input.id } : { key: 'articleNumber', value: input.articleNumber ?? '' }),
      scopes: input,
    }),
});

export const knowledgeOperations = [searchKnowledge, getKnowledgeArticle];
