import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, login } from '../test-helpers.ts';

/** `columns=true` on /query and /queryAll: Salesforce's column metadata instead of records. */
let emulator: RunningEmulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  token = await login(emulator);
});
afterAll(() => emulator.close());

const columns = async (soql: string, resource = 'query') => {
  const response = await call(
    emulator,
    token,
    'GET',
    `/services/data/v60.0/${resource}?q=${encodeURIComponent(soql)}&columns=true`,
  );
  return response;
};

const field = (columnName: string, extra: Record<string, unknown> = {}) => ({
  aggregate: false,
  apexType: 'String',
  booleanType: false,
  columnName,
  custom: false,
  displayName: columnName,
  foreignKeyName: null,
  insertable: true,
  joinColumns: [],
  numberType: false,
  textType: true,
  updatable: true,
  ...extra,
});

describe('columns=true', () => {
  it('describes plain fields with their types and writability, and no records', async () => {
    const response = await columns('SELECT Id, Name, Phone, NumberOfEmployees FROM Account LIMIT 1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      columnMetadata: [
        field('Id', { apexType: 'Id', textType: false, insertable: false, updatable: false }),
        field('Name'),
        field('Phone'),
        field('NumberOfEmployees', { apexType: 'Integer', textType: false, numberType: true }),
      ],
      entityName: 'Account',
      groupBy: false,
      idSelected: true,
      keyPrefix: '001',
    });
  });

  it('nests parent paths as relationship columns, named as the query names them', async () => {
    const { body } = await columns(
      'SELECT LastName, Account.Name, Account.Owner.Name, IsDeleted FROM Contact',
    );
    expect(body.idSelected).toBe(false);
    expect(body.columnMetadata).toEqual([
      field('LastName'),
      {
        ...field('Account', { apexType: null, textType: false, insertable: false, updatable: false }),
        foreignKeyName: 'AccountId',
        joinColumns: [field('Name')],
      },
      {
        ...field('Account', { apexType: null, textType: false, insertable: false, updatable: false }),
        foreignKeyName: 'AccountId',
        joinColumns: [
          {
            ...field('Owner', { apexType: null, textType: false, insertable: false, updatable: false }),
            foreignKeyName: 'OwnerId',
            joinColumns: [field('Name', { insertable: false, updatable: false })],
          },
        ],
      },
      field('IsDeleted', {
        apexType: 'Boolean',
        booleanType: true,
        textType: false,
        insertable: false,
        updatable: false,
      }),
    ]);
  });

  it('describes a child subquery as an aggregate column holding its columns', async () => {
    const { body } = await columns('SELECT Name, (SELECT LastName, Account.Name FROM Contacts) FROM Account');
    expect(body.columnMetadata[1]).toEqual({
      ...field('Contacts', { apexType: null, textType: false, insertable: false, updatable: false }),
      aggregate: true,
      joinColumns: [
        field('LastName'),
        {
          ...field('Account', { apexType: null, textType: false, insertable: false, updatable: false }),
          foreignKeyName: 'AccountId',
          joinColumns: [field('Name')],
        },
      ],
    });
  });

  it('names aggregates exprN or by alias, with the function as written for display', async () => {
    const { body } = await columns(
      'SELECT Industry, COUNT(Id), avg(AnnualRevenue) average, max(AnnualRevenue) FROM Account GROUP BY Industry',
    );
    expect(body).toMatchObject({ entityName: 'Account', groupBy: true, idSelected: false, keyPrefix: null });
    expect(
      body.columnMetadata.map((c: { columnName: string; displayName: string; aggregate: boolean }) => [
        c.columnName,
        c.displayName,
        c.aggregate,
      ]),
    ).toEqual([
      ['Industry', 'Industry', false],
      ['expr0', 'COUNT(Id)', true],
      ['average', 'avg(AnnualRevenue)', true],
      ['expr1', 'max(AnnualRevenue)', true],
    ]);
    expect(body.columnMetadata[1]).toMatchObject({ numberType: true, apexType: null, insertable: false });
    const plain = await columns('SELECT COUNT(Id) FROM Case');
    expect(plain.body.groupBy).toBe(false);
    expect((await columns('SELECT COUNT() FROM Case')).body.columnMetadata).toEqual([]);
  });

  it('answers on /queryAll too, and reports a bad query as the query would', async () => {
    expect((await columns('SELECT Id FROM Case', 'queryAll')).body.entityName).toBe('Case');
    const bad = await columns('SELECT Nope FROM Case');
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe('INVALID_FIELD');
    const records = await call(
      emulator,
      token,
      'GET',
      '/services/data/v60.0/query?q=SELECT+Id+FROM+Case&columns=false',
    );
    expect(records.body.records.length).toBeGreaterThan(0);
  });
});
