import type { SalesforceSession } from '@sfgql/auth';
import { DEMO, type RunningEmulator } from '@sfgql/emulator';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceClient } from './client.ts';
import { soql } from './soql.ts';

let emulator: RunningEmulator;
let session: SalesforceSession;
let control: EmulatorControl;
const noWait = { sleep: async () => {} };

beforeAll(async () => {
  ({ emulator, session } = await startDemoOrg());
  control = emulatorControl(emulator.url);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await control.clearFaults();
  await control.resetMetrics();
});

describe("retries against the emulator's fault injection", () => {
  it('reads recover from 500s and 503s', async () => {
    await control.setFaults({
      seed: 7,
      rules: [
        { kind: 'error503', resources: ['query'], times: 1 },
        { kind: 'error500', resources: ['query'], times: 1 },
      ],
    });
    const client = createSalesforceClient({ session, ...noWait });
    const result = await client.query(soql`SELECT Id FROM Case WHERE CaseNumber = ${DEMO.caseNumber}`);
    expect(result.totalSize).toBe(1);
    expect(client.meter.snapshot().calls).toBe(3);
    const metrics = await control.metrics();
    expect(metrics.faults).toMatchObject({ total: 2 });
  });

  it('reads recover from a connection dropped mid-response', async () => {
    await control.setFaults({
      seed: 7,
      rules: [{ kind: 'dropConnection', resources: ['query'], times: 1 }],
    });
    const client = createSalesforceClient({ session, ...noWait, requestTimeoutMs: 2_000 });
    const result = await client.query(soql`SELECT Id FROM Case WHERE CaseNumber = ${DEMO.caseNumber}`);
    expect(result.totalSize).toBe(1);
  });

  it('never repeats a write that met a fault, so nothing is written twice', async () => {
    await control.setFaults({
      seed: 7,
      rules: [{ kind: 'error503', resources: ['sobjects'], methods: ['POST'], times: 1 }],
    });
    const client = createSalesforceClient({ session, ...noWait });
    const subject = `Fault test ${Date.now()}`;
    await expect(client.create('Case', { Subject: subject })).rejects.toMatchObject({
      errorCode: 'SERVER_UNAVAILABLE',
    });
    await client.create('Case', { Subject: subject });
    const found = await client.query(soql`SELECT Id FROM Case WHERE Subject = ${subject}`);
    expect(found.totalSize).toBe(1);
  });

  it('stops at REQUEST_LIMIT_EXCEEDED without retrying', async () => {
    await control.setFaults({
      seed: 7,
      rules: [{ kind: 'requestLimit', resources: ['query'], afterCalls: 0 }],
    });
    const client = createSalesforceClient({ session, ...noWait });
    await expect(client.query(soql`SELECT Id FROM Case`)).rejects.toMatchObject({ code: 'SF_REQUEST_LIMIT' });
    expect(client.meter.snapshot().calls).toBe(1);
  });
});
