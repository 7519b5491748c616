import { field, idField, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';

/** A note (ContentNote): title and body, linked to records through ContentDocumentLink. */
export const noteSpec = defineObject({
  apiName: 'ContentNote',
  label: 'Note',
  labelPlural: 'Notes',
  description: 'A note with a title and a text body, linked to one or more records.',
  keyPrefix: '069',
  nameField: 'title',
  operations: ['get', 'delete'],
  fields: {
    id: idField('note'),
    title: field('Title', 'string', 'Title of the note.', { maxLength: 255, required: true, compact: true }),
    textPreview: field('TextPreview', 'string', 'The first characters of the body, as text.', {
      readOnly: true,
      compact: true,
    }),
    ownerId: ownerField(),
    createdDate: field('CreatedDate', 'datetime', 'When the note was written.', { readOnly: true }),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the note last changed.', {
      readOnly: true,
    }),
  },
});
