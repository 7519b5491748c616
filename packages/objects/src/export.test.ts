import { describe, expect, it } from 'vitest';
import { contactSpec } from './contact/spec.ts';
import { exportableKeys, exportStatement, exportValueTypes } from './export.ts';
import { field, idField } from './field.ts';
import { knowledgeSpec } from './knowledge/spec.ts';
import { opportunitySpec } from './opportunity/spec.ts';
import { defineObject } from './spec.ts';
import { STANDARD_SPECS } from './specs.ts';
import { queueSpec, userSpec } from './user/spec.ts';

const attachmentSpec = defineObject({
  apiName: 'Attachment',
  label: 'Attachment',
  labelPlural: 'Attachments',
  description: 'A file.',
  keyPrefix: '00P',
  nameField: 'name',
  operations: ['get'],
  fields: {
    id: idField('attachment'),
    name: field('Name', 'string', 'File name.'),
    body: field('Body', 'base64', 'The bytes.'),
  },
});

describe('exportStatement', () => {
  it("selects every field Bulk API 2.0 returns, without ORDER BY, under the object's read rules", () => {
    expect(exportStatement(contactSpec).text).toBe(
      `SELECT ${Object.values(contactSpec.fields)
        .map((f) => f.apiName)
        .join(', ')} FROM Contact`,
    );
    // A queue is a Group of type Queue; inactive users are left out unless asked for.
    expect(exportStatement(queueSpec, { fields: ['id'] }).text).toBe(
      "SELECT Id FROM Group WHERE Type = 'Queue'",
    );
    expect(exportStatement(userSpec, { fields: ['id'] }).text).toBe(
      'SELECT Id FROM User WHERE IsActive = TRUE',
    );
    expect(exportStatement(userSpec, { fields: ['id'], scopes: { includeInactive: true } }).text).toBe(
      'SELECT Id FROM User',
    );
    expect(exportStatement(knowledgeSpec, { fields: ['id'], scopes: { language: 'fr' } }).text).toContain(
      "Language = 'fr'",
    );
    // Binary fields are not exported.
    expect(exportableKeys(attachmentSpec)).toEqual(['id', 'name']);
    expect(exportStatement(attachmentSpec).text).toBe('SELECT Id, Name FROM Attachment');
    for (const spec of STANDARD_SPECS) expect(exportStatement(spec).text).not.toMatch(/ORDER BY|LIMIT/);
  });

  it('takes fields by key or API name, whatever the case, once each, in order', () => {
    expect(exportStatement(contactSpec, { fields: ['email', 'FirstName', 'ID', 'firstname'] }).text).toBe(
      'SELECT Email, FirstName, Id FROM Contact',
    );
  });

  it("compiles the catalog's filter, values as escaped literals, beside the read rules", () => {
    const statement = exportStatement(userSpec, {
      fields: ['id'],
      where: { or: [{ email: { like: "%@acme.com' OR Name != '" } }, { title: { eq: 'CEO' } }] },
    });
    expect(statement.text).toBe(
      "SELECT Id FROM User WHERE IsActive = TRUE AND (Email LIKE '%@acme.com\\' OR Name != \\'' OR Title = 'CEO')",
    );
  });

  it('refuses, before anything is sent, what does not fit the object', () => {
    const refused = (query: Parameters<typeof exportStatement>[1], message: RegExp) =>
      expect(() => exportStatement(contactSpec, query)).toThrow(
        expect.objectContaining({
          name: 'OperationError',
          code: 'INVALID_INPUT',
          message: expect.stringMatching(message),
        }),
      );
    refused({ fields: ['nope'] }, /Contact has no field "nope"; its fields: id, name, firstName/);
    refused({ fields: [] }, /at least one field/);
    refused({ where: { nope: { eq: 1 } } }, /nope/);
    refused({ where: { email: { gt: 3 } } }, /email/);
    refused({ where: 'Email = 1' }, /object/);
    refused({ scopes: { includeInactive: true } }, /includeInactive/);
    expect(() => exportStatement(attachmentSpec, { fields: ['body'] })).toThrow(/no binary fields/);
    expect(() => exportStatement(userSpec, { scopes: { includeInactive: 'yes' } })).toThrow(/boolean/);
  });
});

describe('exportValueTypes', () => {
  it("gives each exportable field's JSON type by API name, and no binary field", () => {
    expect(exportValueTypes(opportunitySpec)).toMatchObject({
      Id: 'string',
      Amount: 'number',
      Probability: 'number',
      IsClosed: 'boolean',
      CloseDate: 'string',
      LastModifiedDate: 'string',
    });
    expect(exportValueTypes(attachmentSpec)).toEqual({ Id: 'string', Name: 'string' });
  });
});
