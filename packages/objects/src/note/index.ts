import { soql } from '@sfgql/soql';
import { z } from 'zod';
import { createdSchema, deleteOperation, doneSchema, getRecord } from '../crud.ts';
import { OperationError } from '../errors.ts';
import { idSchema } from '../input.ts';
import { queryWithNames } from '../names.ts';
import { defineRead, defineWrite, newRecordPreview, type OperationContext, restRoute } from '../operation.ts';
import { recordSchema } from '../spec.ts';
import { objectOfId } from '../specs.ts';
import { noteSpec } from './spec.ts';

export { noteSpec };

/** Objects a note can be linked to. */
export const NOTE_PARENTS = [
  'Account',
  'Contact',
  'Lead',
  'Opportunity',
  'Case',
  'Campaign',
  'Product2',
  'Task',
  'Event',
  'User',
] as const;

const toBase64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A note body: Salesforce stores it as HTML or text; plain text is escaped so it shows as written. */
function bodyContent(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return toBase64(escaped);
}

const fromBody = (html: string) =>
  html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * A note's body as text, from the `Content` a query returned for it: Salesforce answers a base64
 * field in a query with the URL of its bytes (one more API call to fetch them); some servers inline
 * the bytes instead.
 */
export async function noteBodyFromContent(
  ctx: Pick<OperationContext, 'client'>,
  content: unknown,
): Promise<string | null> {
  if (typeof content !== 'string' || content === '') return null;
  const bytes = content.startsWith('/services/')
    ? await ctx.client.blob(content)
    : Buffer.from(content, 'base64');
  return fromBody(bytes.toString('utf8'));
}

async function readBody(ctx: OperationContext, id: string): Promise<string | null> {
  const result = await ctx.client.query(soql`SELECT Content FROM ContentNote WHERE Id = ${id} LIMIT 1`);
  return noteBodyFromContent(ctx, result.records[0]?.Content);
}

const linkedRecordSchema = z.object({ id: z.string(), type: z.string().nullable() });

export const createNote = defineWrite({
  name: 'createNote',
  action: 'create',
  object: noteSpec,
  verb: 'create',
  rest: restRoute(noteSpec, 'create'),
  summary: 'Write a note and attach it to a record (contact, account, case, ...).',
  input: z.strictObject({
    title: z.string().trim().min(1, 'title must not be empty').max(255).describe('Title of the note.'),
    body: z.string().max(1_000_000).default('').describe('The text of the note.'),
    linkedRecordId: idSchema(NOTE_PARENTS).optional().describe('The record the note belongs to.'),
  }),
  output: createdSchema.extend({
    linkId: z.string().nullable().describe('The ContentDocumentLink Id, when linked.'),
  }),
  async prepare(ctx, { title, body, linkedRecordId }) {
    const { names } = await queryWithNames(ctx, [], [linkedRecordId]);
    const linked = linkedRecordId ? names.get(linkedRecordId) : undefined;
    if (linkedRecordId && !linked)
      throw new OperationError(
        'INVALID_INPUT',
        `✖ no record has the Id ${linkedRecordId}\n  → at linkedRecordId`,
      );
    return newRecordPreview(
      'ContentNote',
      [
        { field: 'title', before: null, after: title },
        { field: 'body', before: null, after: body },
        ...(linkedRecordId ? [{ field: 'linkedRecordId', before: null, after: linkedRecordId }] : []),
      ],
      `Create the note ${JSON.stringify(title)} (${body.length ? `${body.length.toLocaleString('en-US')} characters` : 'empty'})${linked ? ` on ${linked}` : ''}.`,
    );
  },
  async execute({ client }, { title, body, linkedRecordId }) {
    const note = await client.create('ContentNote', { Title: title, Content: bodyContent(body) });
    // The link makes the note show on the record; ShareType V gives the record's viewers read access.
    const link = linkedRecordId
      ? await client.create('ContentDocumentLink', {
          ContentDocumentId: note.id,
          LinkedEntityId: linkedRecordId,
          ShareType: 'V',
        })
      : null;
    return { id: note.id, success: note.success, linkId: link?.id ?? null };
  },
});

export const getNote = defineRead({
  name: 'getNote',
  object: noteSpec,
  verb: 'get',
  rest: restRoute(noteSpec, 'get'),
  view: { kind: 'one', object: noteSpec },
  summary: 'Get a note by its Id: title, body text and the records it is linked to.',
  input: z.strictObject({
    id: idSchema(['ContentNote']).describe('The note (ContentNote) Id.'),
    bodyOffset: z
      .int()
      .min(0)
      .default(0)
      .describe(
        'Where to start reading the body, in characters: for a body too long for one answer, as the answer says.',
      ),
  }),
  output: recordSchema(noteSpec, undefined, {
    body: z.string().nullable().describe('The text of the note, from bodyOffset on.'),
    bodyLength: z.int().nullable().describe('How many characters the whole body has.'),
    linkedRecords: z.array(linkedRecordSchema),
  }).nullable(),
  async execute(ctx, { id, bodyOffset }) {
    const note = await getRecord(ctx, noteSpec, id);
    if (!note) return null;
    const links = await ctx.client.query(
      soql`SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = ${id}`,
    );
    const linkedRecords = links.records.map((l) => {
      const linked = String(l.LinkedEntityId);
      return { id: linked, type: objectOfId(linked) };
    });
    const body = await readBody(ctx, id);
    return {
      ...note,
      // An offset may fall inside a character written with two UTF-16 units: never half of one.
      body: body === null ? null : body.slice(bodyOffset).toWellFormed(),
      bodyLength: body === null ? null : body.length,
      linkedRecords,
    };
  },
});

export const updateNote = defineWrite({
  name: 'updateNote',
  action: 'update',
  object: noteSpec,
  verb: 'update',
  rest: restRoute(noteSpec, 'update'),
  summary: 'Change the title or the body of a note.',
  input: z
    .strictObject({
      id: idSchema(['ContentNote']).describe('The note Id.'),
      title: z.string().trim().min(1).max(255).optional().describe('New title.'),
      body: z.string().max(1_000_000).optional().describe('New body text.'),
    })
    .refine((v) => v.title !== undefined || v.body !== undefined, { message: 'give a new title or body' }),
  output: doneSchema,
  async prepare(ctx, { id, title, body }) {
    const current = await ctx.client.query(
      soql`SELECT Id, Title, SystemModstamp FROM ContentNote WHERE Id = ${id} LIMIT 1`,
    );
    const record = current.records[0];
    if (!record) throw new OperationError('NOT_FOUND', `No note has the Id ${id}.`);
    const changes = [];
    if (title !== undefined && title !== record.Title)
      changes.push({ field: 'title', before: record.Title ?? null, after: title });
    if (body !== undefined) changes.push({ field: 'body', before: await readBody(ctx, id), after: body });
    return {
      action: 'update',
      object: 'ContentNote',
      recordId: id,
      changes,
      destructive: false,
      summary: `Update the note "${String(record.Title)}": ${changes.map((c) => c.field).join(' and ') || 'nothing'}.`,
      systemModstamp: (record.SystemModstamp as string | undefined) ?? null,
    };
  },
  async execute({ client }, { id, title, body }) {
    await client.update('ContentNote', id, {
      ...(title !== undefined ? { Title: title } : {}),
      ...(body !== undefined ? { Content: bodyContent(body) } : {}),
    });
    return { id, success: true };
  },
});

export const deleteNote = deleteOperation(noteSpec);

/** Every Note operation, for the adapters. */
export const noteOperations = [createNote, getNote, updateNote, deleteNote];
