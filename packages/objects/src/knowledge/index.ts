import { soql } from '@sfgql/soql';
import { z } from 'zod';
import { idSchema } from '../input.ts';
import { defineRead } from '../operation.ts';
import { compactKeys, fromSalesforce, recordSchema, selectFields } from '../spec.ts';
import { KNOWLEDGE_LANGUAGES, knowledgeSpec } from './spec.ts';

export { KNOWLEDGE_LANGUAGES, knowledgeSpec };

/** Searches published (Online) articles in one language by title and summary. */
export const searchKnowledge = defineRead({
  name: 'searchKnowledge',
  object: knowledgeSpec,
  summary: 'Search published knowledge articles by the words of their title, to answer a customer question.',
  input: z.strictObject({
    term: z
      .string()
      .trim()
      .max(200)
      .optional()
      .describe('Words to look for; leave out for the latest articles.'),
    language: z.enum(KNOWLEDGE_LANGUAGES).default('en_US').describe('Article language.'),
    limit: z.int().min(1).max(50).default(10),
  }),
  output: z.object({ records: z.array(recordSchema(knowledgeSpec)) }),
  async execute({ client }, { term, language, limit }) {
    const keys = compactKeys(knowledgeSpec);
    // Only published articles: drafts and archived versions are not answers.
    const filter = soql`PublishStatus = 'Online' AND Language = ${language}`;
    // Every word must appear in the title. Summary is a text area, which SOQL cannot filter on;
    // matching it needs SOSL (globalSearch).
    const words = (term ?? '').split(/\s+/).filter((w) => w.length > 1);
    const where = words.length
      ? soql`${filter} AND ${soql.join(
          words.map((w) => soql`Title LIKE ${soql.like(w)}`),
          ' AND ',
        )}`
      : filter;
    const result = await client.query(
      soql`SELECT ${soql.fields(selectFields(knowledgeSpec, keys))} FROM KnowledgeArticleVersion WHERE ${where} ORDER BY LastPublishedDate DESC LIMIT ${limit}`,
    );
    return { records: result.records.map((r) => fromSalesforce(knowledgeSpec, r, keys)) };
  },
});

/** Gets one published article by its version Id, article Id or article number. */
export const getKnowledgeArticle = defineRead({
  name: 'getKnowledgeArticle',
  object: knowledgeSpec,
  summary: 'Get a published knowledge article by its Id or article number.',
  input: z
    .strictObject({
      id: idSchema(['KnowledgeArticleVersion', 'KnowledgeArticle'])
        .optional()
        .describe('The article or article version Id.'),
      articleNumber: z.string().trim().min(1).max(30).optional().describe('The article number.'),
      language: z.enum(KNOWLEDGE_LANGUAGES).default('en_US'),
    })
    .refine((v) => Boolean(v.id) !== Boolean(v.articleNumber), { message: 'give id or articleNumber' }),
  output: recordSchema(knowledgeSpec).nullable(),
  async execute({ client }, { id, articleNumber, language }) {
    const which = id
      ? id.startsWith('kA0')
        ? soql`KnowledgeArticleId = ${id}`
        : soql`Id = ${id}`
      : soql`ArticleNumber = ${articleNumber ?? ''}`;
    const result = await client.query(
      soql`SELECT ${soql.fields(selectFields(knowledgeSpec))} FROM KnowledgeArticleVersion WHERE ${which} AND PublishStatus = 'Online' AND Language = ${language} LIMIT 1`,
    );
    const record = result.records[0];
    return record ? fromSalesforce(knowledgeSpec, record) : null;
  },
});

export const knowledgeOperations = [searchKnowledge, getKnowledgeArticle];
