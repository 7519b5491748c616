import { describe, expect, it } from 'vitest';
import { fitForGpt, MAX_RESPONSE_CHARS } from './fit.ts';

describe('fitForGpt', () => {
  it('keeps an answer that fits as it is', () => {
    const body = { records: [{ Id: '003', Name: 'Sarah' }] };
    expect(fitForGpt(body)).toBe(body);
  });

  it('cuts a list of records too long for a GPT Action, and says how to ask for less', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ Id: `500${i}`, Description: 'x'.repeat(4000) }));
    const fitted = fitForGpt({ totalSize: 50, done: true, records }) as {
      records: unknown[];
      truncated: boolean;
      note: string;
    };
    expect(JSON.stringify(fitted).length).toBeLessThan(MAX_RESPONSE_CHARS);
    expect(JSON.stringify(fitted).length).toBeLessThan(100_000);
    expect(fitted.records.length).toBe(23);
    expect(fitted.records[0]).toEqual(records[0]);
    expect(fitted).toMatchObject({
      totalSize: 50,
      truncated: true,
      note: expect.stringContaining('first 23 of 50'),
    });
  });

  it('cuts a single record field by field, the longest first, saying what and how to read the rest', () => {
    const record = { Id: '069', Title: 'Long note', body: 'b'.repeat(140_000), Summary: 's'.repeat(30_000) };
    const fitted = fitForGpt(record, (path, kept) =>
      path[0] === 'body' ? `bodyOffset=${kept}` : undefined,
    ) as {
      body: string;
      Summary: string;
      note: string;
      truncated: boolean;
    };
    const length = JSON.stringify(fitted).length;
    expect(length).toBeLessThanOrEqual(MAX_RESPONSE_CHARS);
    expect(length).toBeGreaterThan(MAX_RESPONSE_CHARS - 2_000);
    expect(fitted.Summary).toBe(record.Summary);
    expect(record.body.startsWith(fitted.body)).toBe(true);
    expect(fitted.truncated).toBe(true);
    expect(fitted.note).toBe(
      `body is cut to its first ${fitted.body.length.toLocaleString('en-US')} of 140,000 characters: call again with bodyOffset=${fitted.body.length} for the rest.`,
    );
  });

  it('cuts the longest texts to one level, no shorter than the others, and says the rest is in Salesforce', () => {
    const fitted = fitForGpt({
      Id: '500',
      Subject: 'Short',
      Description: 'd'.repeat(60_000),
      Comments: 'c'.repeat(50_000),
      Reason: 'r'.repeat(20_000),
    }) as Record<string, string>;
    const length = JSON.stringify(fitted).length;
    expect(length).toBeLessThanOrEqual(MAX_RESPONSE_CHARS);
    expect(length).toBeGreaterThan(MAX_RESPONSE_CHARS - 2_000);
    expect(fitted.Description?.length).toBe(fitted.Comments?.length);
    expect(fitted.Description?.length).toBeGreaterThan(20_000);
    expect(fitted.Reason).toHaveLength(20_000);
    expect(fitted.Subject).toBe('Short');
    expect(fitted.note).toContain('Description is cut to its first');
    expect(fitted.note).toContain('Comments is cut to its first');
    expect(fitted.note).not.toContain('Reason');
    expect(fitted.note).toContain('the rest is in Salesforce');
  });

  it('keeps a text whole across escapes and never splits a character in two', () => {
    const fitted = fitForGpt({ text: '"😀'.repeat(60_000) }) as { text: string };
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(MAX_RESPONSE_CHARS);
    expect(fitted.text.isWellFormed()).toBe(true);
  });

  it('cuts the one record of a list when it alone is too long', () => {
    const fitted = fitForGpt({ records: [{ Id: '069', body: 'x'.repeat(200_000) }] }) as {
      records: { body: string }[];
      note: string;
    };
    expect(fitted.records).toHaveLength(1);
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(MAX_RESPONSE_CHARS);
    expect(fitted.note).toContain('records[0].body is cut');
  });
});
