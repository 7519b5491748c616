import type { DescribeResult } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseSpec } from '../src/case/spec.ts';
import { orgPicklistValues } from '../src/spec.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(() => org.close());

const describing = (fields: Partial<DescribeResult['fields'][number]>[]) => ({
  describe: async () => ({ fields }) as unknown as DescribeResult,
});

describe('orgPicklistValues', () => {
  it("reads the org's active Case Status values from describe, once per org", async () => {
    const values = await orgPicklistValues(org.ctx.client, caseSpec, 'status');
    const described = (await org.ctx.client.describe('Case')).fields.find((f) => f.name === 'Status');
    expect(values).toEqual(described?.picklistValues.filter((v) => v.active).map((v) => v.value));
    expect(values).toContain('New');
    await org.resetCalls();
    await orgPicklistValues(org.ctx.client, caseSpec, 'status');
    expect(await org.calls()).toBe(0);
  });

  it('leaves out inactive values and keeps values the spec does not know', async () => {
    const client = describing([
      {
        name: 'Status',
        picklistValues: [
          { value: 'New', label: 'New', active: true },
          { value: 'Waiting on Customer', label: 'Waiting on Customer', active: true },
          { value: 'Working', label: 'Working', active: false },
        ],
      },
    ]);
    expect(await orgPicklistValues(client, caseSpec, 'status')).toEqual(['New', 'Waiting on Customer']);
  });

  it("falls back to the spec's values when the org does not describe the field", async () => {
    expect(await orgPicklistValues(describing([]), caseSpec, 'status')).toEqual([
      'New',
      'Working',
      'Escalated',
      'Closed',
    ]);
    await expect(orgPicklistValues(describing([]), caseSpec, 'nope')).rejects.toThrow(/no field nope/);
  });
});
