import { soql } from '@sfgql/soql';
import { field, idField } from '../field.ts';
import { defineObject } from '../spec.ts';

export const KNOWLEDGE_LANGUAGES = ['en_US', 'fr', 'de', 'es', 'ja'] as const;

/** A knowledge article version: the answer source for agents. */
export const knowledgeSpec = defineObject({
  apiName: 'KnowledgeArticleVersion',
  label: 'Knowledge Article',
  labelPlural: 'Knowledge Articles',
  description: 'A published knowledge article: a ready answer to a customer question.',
  keyPrefix: 'ka0',
  nameField: 'title',
  operations: [],
  read: {
    // Only published articles: drafts and archived versions are not answers.
    base: soql`PublishStatus = 'Online'`,
    scopes: [
      {
        kind: 'choice',
        name: 'language',
        description: 'Article language (default en_US).',
        values: KNOWLEDGE_LANGUAGES,
        default: 'en_US',
        where: (language) => soql`Language = ${language}`,
        appliesTo: 'all',
      },
    ],
    order: [{ field: 'lastPublishedDate', direction: 'DESC' }],
    keys: ['articleNumber'],
    // A KnowledgeArticle Id (kA0…) names the article's version in the chosen language.
    idsOf: { kA0: 'knowledgeArticleId' },
    // Questions are asked in words that are in an article's summary or body more often than in
    // its title: Salesforce's full-text search finds them there, and ranks the best answers first.
    fullText: true,
  },
  fields: {
    id: idField('article version'),
    knowledgeArticleId: field('KnowledgeArticleId', 'reference', 'The article (all its versions).', {
      readOnly: true,
      references: ['KnowledgeArticle'],
    }),
    articleNumber: field('ArticleNumber', 'string', 'Article number.', {
      readOnly: true,
      compact: true,
      search: 'exact',
    }),
    title: field('Title', 'string', 'Title.', { readOnly: true, compact: true, search: 'like' }),
    // A text area: SOQL cannot filter on it, so it is searched only in full text (read.fullText).
    summary: field('Summary', 'textarea', 'Summary of the answer.', { readOnly: true, compact: true }),
    urlName: field('UrlName', 'string', 'URL name.', { readOnly: true }),
    language: field('Language', 'picklist', 'Language.', { readOnly: true, values: KNOWLEDGE_LANGUAGES }),
    publishStatus: field('PublishStatus', 'picklist', 'Draft, Online or Archived.', { readOnly: true }),
    lastPublishedDate: field('LastPublishedDate', 'datetime', 'When it was last published.', {
      readOnly: true,
      compact: true,
    }),
  },
});
