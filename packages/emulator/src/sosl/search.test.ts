import fc from 'fast-check';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

/**
 * SOSL through a real client: jsforce's `conn.search` against the emulator, over records created
 * through the REST API (so the index is maintained by the same writes a client makes).
 */
let emulator: RunningEmulator;
let conn: Connection;
let token: string;
const ids: Record<string, string> = {};
// biome-ignore lint/suspicious/noExplicitAny: search records are untyped JSON.
type Rec = Record<string, any>;

const search = async (sosl: string): Promise<Rec[]> =>
  ((await conn.search(sosl)) as unknown as { searchRecords: Rec[] }).searchRecords;
const names = (records: Rec[]) => records.map((r) => r.Name).sort();
const raw = (sosl: string) =>
  call(emulator, token, 'GET', `/services/data/v60.0/search?q=${encodeURIComponent(sosl)}`);

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  conn = await connect(emulator);
  token = await login(emulator);
  const create = async (type: string, record: Rec) => {
    const result = (await conn.sobject(type).create(record)) as { id: string };
    return result.id;
  };
  ids.zephyr = await create('Account', {
    Name: 'Zephyrine Quantics',
    Phone: '(415) 555-0199',
    Website: 'https://zephyrine.example.com',
  });
  ids.zenith = await create('Account', {
    Name: 'Zenith Quantics Labs',
    Description: 'Makers of quarkonium detectors',
  });
  ids.brightwater = await create('Contact', {
    FirstName: 'Zoltan',
    LastName: 'Brightwater',
    Email: 'zoltan.brightwater@zephyrine.example.com',
    Phone: '+1 212 555 0142',
    AccountId: ids.zephyr,
    Title: 'Chief Quarkonium Officer',
  });
  ids.brightwood = await create('Contact', {
    FirstName: 'Zelda',
    LastName: 'Brightwood',
    Email: 'zelda@zenith-quantics.example.com',
    AccountId: ids.zenith,
  });
  ids.mueller = await create('Contact', {
    FirstName: 'Jürgen',
    LastName: 'Müllerström',
    Email: 'jm@example.org',
  });
  ids.obrien = await create('Lead', { FirstName: 'Niamh', LastName: "O'Quillan", Company: 'Quillan & Sons' });
});
afterAll(() => emulator.close());

describe('SOSL search with jsforce', () => {
  it('answers searchRecords with attributes and the fields asked for, object by object', async () => {
    const records = await search('FIND {Zephyrine} RETURNING Account(Id, Name), Contact(Id, Name, Email)');
    expect(records).toEqual([
      {
        attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${ids.zephyr}` },
        Id: ids.zephyr,
        Name: 'Zephyrine Quantics',
      },
      {
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${ids.brightwater}` },
        Id: ids.brightwater,
        Name: 'Zoltan Brightwater',
        Email: 'zoltan.brightwater@zephyrine.example.com',
      },
    ]);
  });

  it('returns Ids only for an object named without fields, and every searchable object without RETURNING', async () => {
    expect(await search('FIND {Brightwater} RETURNING Contact')).toEqual([
      {
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${ids.brightwater}` },
        Id: ids.brightwater,
      },
    ]);
    const all = await search('FIND {Quantics}');
    expect(all.map((r) => r.Id).sort()).toEqual(
      [ids.zephyr, ids.zenith, ids.brightwood].sort(), // the contact through its email domain
    );
  });

  it('ANDs juxtaposed words, and supports OR, AND NOT, phrases and parentheses', async () => {
    const q = (term: string) => search(`FIND {${term}} RETURNING Account(Name), Contact(Name)`).then(names);
    // Zelda's email is at zenith-quantics.example.com: both words are in her record.
    expect(await q('Zenith Quantics')).toEqual(['Zelda Brightwood', 'Zenith Quantics Labs']);
    expect(await q('Zenith AND Labs')).toEqual(['Zenith Quantics Labs']);
    expect(await q('Zoltan OR Zelda')).toEqual(['Zelda Brightwood', 'Zoltan Brightwater']);
    expect(await q('Quantics AND NOT Labs')).toEqual(['Zelda Brightwood', 'Zephyrine Quantics']);
    expect(await q('"Quantics Labs"')).toEqual(['Zenith Quantics Labs']);
    expect(await q('"Labs Quantics"')).toEqual([]);
    expect(await q('(Zoltan OR Zelda) AND Brightwood')).toEqual(['Zelda Brightwood']);
    expect(await q('zephyrine and "quantics" or zelda')).toEqual(['Zelda Brightwood', 'Zephyrine Quantics']);
  });

  it('supports trailing, middle and single-character wildcards', async () => {
    const q = (term: string) => search(`FIND {${term}} IN NAME FIELDS RETURNING Contact(Name)`).then(names);
    expect(await q('Bright*')).toEqual(['Zelda Brightwood', 'Zoltan Brightwater']);
    expect(await q('Bright*ter')).toEqual(['Zoltan Brightwater']);
    expect(await q('Brightwo?d')).toEqual(['Zelda Brightwood']);
    expect(await q('Brightw??d')).toEqual(['Zelda Brightwood']);
    expect(await q('Brightwo?')).toEqual([]);
    expect(await q('"Zoltan Bright*"')).toEqual(['Zoltan Brightwater']);
  });

  it('searches name, email and phone fields separately, and all of them by default', async () => {
    const q = (term: string, group: string) =>
      search(`FIND {${term}} IN ${group} FIELDS RETURNING Account(Name), Contact(Name)`).then(names);
    expect(await q('zephyrine', 'NAME')).toEqual(['Zephyrine Quantics']);
    expect(await q('zephyrine', 'EMAIL')).toEqual(['Zoltan Brightwater']);
    expect(await q('zephyrine', 'ALL')).toEqual(['Zephyrine Quantics', 'Zoltan Brightwater']);
    expect(await q('quarkonium', 'ALL')).toEqual(['Zenith Quantics Labs', 'Zoltan Brightwater']);
    expect(await q('quarkonium', 'NAME')).toEqual([]);
    expect(await q('zoltan.brightwater@zephyrine.example.com', 'EMAIL')).toEqual(['Zoltan Brightwater']);
  });

  it('matches phone numbers by their digits, whatever the punctuation', async () => {
    const q = (term: string) =>
      search(`FIND {${term}} IN PHONE FIELDS RETURNING Account(Name), Contact(Name)`).then(names);
    expect(await q('4155550199')).toEqual(['Zephyrine Quantics']);
    expect(await q('\\(415\\) 555\\-0199')).toEqual(['Zephyrine Quantics']);
    expect(await q('415 555 0199')).toEqual(['Zephyrine Quantics']);
    expect(await q('5550199')).toEqual(['Zephyrine Quantics']);
    expect(await q('\\+12125550142')).toEqual(['Zoltan Brightwater']);
    expect(await q('212\\-555\\-0142')).toEqual(['Zoltan Brightwater']);
    expect(await q('5550142')).toEqual(['Zoltan Brightwater']);
    expect(await q('5550100')).toEqual([]);
  });

  it('finds escaped reserved characters, and folds case and accents', async () => {
    expect(names(await search("FIND {O\\'Quillan} RETURNING Lead(Name)"))).toEqual(["Niamh O'Quillan"]);
    expect(names(await search('FIND {Quillan \\& Sons} RETURNING Lead(Name)'))).toEqual(["Niamh O'Quillan"]);
    expect(names(await search('FIND {MULLERSTROM} RETURNING Contact(Name)'))).toEqual(['Jürgen Müllerström']);
    expect(names(await search('FIND {jurgen} RETURNING Contact(Name)'))).toEqual(['Jürgen Müllerström']);
  });

  it('reads a NUL in a term as a word separator, never as the end of the term', async () => {
    // A term cut at the NUL would be `Zephyrine` alone and find the account.
    expect(await search('FIND {Zephyrine\u0000Nonexistentword} RETURNING Account(Name)')).toEqual([]);
    expect(names(await search('FIND {Zephyrine\u0000Quantics} RETURNING Account(Name)'))).toEqual([
      'Zephyrine Quantics',
    ]);
  });

  it('applies WHERE, ORDER BY, LIMIT and OFFSET per object, and LIMIT overall', async () => {
    const byName = await search(
      `FIND {Quantics} RETURNING Account(Name WHERE Name LIKE 'Z%' ORDER BY Name DESC), Contact(Name, Account.Name WHERE Account.Name = 'Zenith Quantics Labs')`,
    );
    expect(byName.map((r) => r.Name)).toEqual([
      'Zephyrine Quantics',
      'Zenith Quantics Labs',
      'Zelda Brightwood',
    ]);
    expect(byName[2]?.Account.Name).toBe('Zenith Quantics Labs');
    expect(
      (await search('FIND {Quantics} RETURNING Account(Name ORDER BY Name LIMIT 1)')).map((r) => r.Name),
    ).toEqual(['Zenith Quantics Labs']);
    expect(
      (await search('FIND {Quantics} RETURNING Account(Name ORDER BY Name LIMIT 1 OFFSET 1)')).map(
        (r) => r.Name,
      ),
    ).toEqual(['Zephyrine Quantics']);
    const limited = await search(
      'FIND {Quantics} RETURNING Account(Name ORDER BY Name), Contact(Name) LIMIT 2',
    );
    expect(limited.map((r) => r.attributes.type)).toEqual(['Account', 'Account']);
    expect(
      await search(
        'FIND {Zephyrine} IN ALL FIELDS RETURNING Account(Name) WITH SPELL_CORRECTION = false WITH SNIPPET (target_length=120) LIMIT 10 UPDATE TRACKING',
      ),
    ).toHaveLength(1);
  });

  it('keeps the index in step with updates and deletes, and never finds a deleted record', async () => {
    const id = (await conn
      .sobject('Contact')
      .create({ LastName: 'Vexillographer', Email: 'flags@vex.example.com' })) as {
      id: string;
    };
    expect(await search('FIND {Vexillographer} RETURNING Contact(Id)')).toHaveLength(1);
    await conn
      .sobject('Contact')
      .update({ Id: id.id, LastName: 'Cartographer', Email: 'maps@vex.example.com' });
    expect(await search('FIND {Vexillographer} RETURNING Contact(Id)')).toHaveLength(0);
    expect(await search('FIND {flags} RETURNING Contact(Id)')).toHaveLength(0);
    expect(await search('FIND {Cartographer} RETURNING Contact(Id)')).toHaveLength(1);
    await conn.sobject('Contact').destroy(id.id);
    expect(await search('FIND {Cartographer} RETURNING Contact(Id)')).toHaveLength(0);
    // Purged for good (the Recycle Bin emptied): the index forgets the row too.
    emulator.org.db.prepare('DELETE FROM "Contact" WHERE "Id" = ?').run(id.id);
    expect(await search('FIND {Cartographer} RETURNING Contact(Id)')).toHaveLength(0);
    const rebuilt = await conn.sobject('Contact').create({ LastName: 'Cartographer' });
    expect((await search('FIND {Cartographer} RETURNING Contact(Id)')).map((r) => r.Id)).toEqual([
      (rebuilt as { id: string }).id,
    ]);
  });

  it('counts each search as one API call, with its text in the metrics', async () => {
    await fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' });
    await search('FIND {Zephyrine} RETURNING Account(Id), Contact(Id), Lead(Id)');
    await raw('FIND {x}');
    const metrics = (await (await fetch(`${emulator.url}/__emulator/metrics`)).json()) as {
      total: number;
      byResource: Record<string, number>;
      bySoql: Record<string, number>;
    };
    expect(metrics.total).toBe(2);
    expect(metrics.byResource['GET /search']).toBe(2);
    expect(metrics.bySoql['FIND {Zephyrine} RETURNING Account(Id), Contact(Id), Lead(Id)']).toBe(1);
  });
});

describe('SOSL errors', () => {
  it.each([
    ['FIND {a}', 400, 'INVALID_SEARCH', 'search term must be longer than one character: a'],
    ['FIND {a*}', 400, 'INVALID_SEARCH', 'search term must be longer than one character: a*'],
    ['FIND {}', 400, 'INVALID_SEARCH', 'search term must be longer than one character: '],
    [
      'FIND Acme',
      400,
      'MALFORMED_SEARCH',
      'No search term found. The search term must be enclosed in braces.',
    ],
    [
      'FIND {Acme',
      400,
      'MALFORMED_SEARCH',
      'No search term found. The search term must be enclosed in braces.',
    ],
    [
      'SELECT Id FROM Account',
      400,
      'MALFORMED_SEARCH',
      'No search term found. The search term must be enclosed in braces.',
    ],
  ])('%s → %s %s', async (sosl, status, errorCode, message) => {
    const response = await raw(sosl);
    expect(response.status).toBe(status);
    expect(response.body).toEqual([{ errorCode, message }]);
  });

  it('points at an unescaped reserved character or a bad clause, as MALFORMED_SEARCH', async () => {
    const dash = await raw('FIND {Jean-Luc} RETURNING Contact');
    expect(dash.status).toBe(400);
    expect(dash.body[0].errorCode).toBe('MALFORMED_SEARCH');
    expect(dash.body[0].message).toBe(
      "\nFIND {Jean-Luc} RETURNING Contact\n          ^\nERROR at Row:1:Column:11\nunexpected token: '-'",
    );
    for (const sosl of [
      "FIND {O'Brien}",
      'FIND {a:b}',
      'FIND {"open phrase}',
      'FIND {(Acme}',
      'FIND {Acme)}',
      'FIND {Acme AND}',
      'FIND {OR Acme}',
      'FIND {*cme}',
      'FIND {Acme} RETURNIN Account',
      'FIND {Acme} IN EVERY FIELDS',
      'FIND {Acme} RETURNING Account(',
      'FIND {Acme} RETURNING Account()',
      'FIND {Acme} RETURNING Account(Name WHERE)',
      'FIND {Acme} RETURNING Account(COUNT(Id))',
      'FIND {Acme} RETURNING Account(Name GROUP BY Name)',
      'FIND {Acme} LIMIT x',
    ]) {
      const response = await raw(sosl);
      expect({ sosl, status: response.status, code: response.body[0].errorCode }).toEqual({
        sosl,
        status: 400,
        code: 'MALFORMED_SEARCH',
      });
    }
  });

  it('reports unknown objects and fields with the SOQL codes, at their position in the search', async () => {
    const object = await raw('FIND {Acme} RETURNING Nope__c(Id)');
    expect(object.body[0].errorCode).toBe('INVALID_TYPE');
    expect(object.body[0].message).toContain("sObject type 'Nope__c' is not supported.");
    const field = await raw('FIND {Acme} RETURNING Account(Id, Bogus)');
    expect(field.body[0].errorCode).toBe('INVALID_FIELD');
    expect(field.body[0].message).toContain('ERROR at Row:1:Column:35');
    expect(field.body[0].message).toContain("No such column 'Bogus' on entity 'Account'");
  });

  it('never answers 500 to hostile or malformed search text', async () => {
    const reserved = [...'?&|!{}[]()^~*:\\"\'+-'];
    const termChar = fc.oneof(
      fc.constantFrom(...reserved, ' ', 'a', 'Z', '9', 'é', '\n', '\t', 'AND ', 'OR ', 'NOT ', '"'),
      fc.string({ maxLength: 3 }),
    );
    const term = fc.array(termChar, { maxLength: 30 }).map((parts) => parts.join(''));
    const tail = fc.constantFrom(
      '',
      ' RETURNING Account',
      ' RETURNING Account(Name), Contact(Name, Email LIMIT 2)',
      ' IN NAME FIELDS RETURNING Lead(Name WHERE Company != null ORDER BY Name)',
      ' IN PHONE FIELDS LIMIT 5',
      " RETURNING Account(Name WHERE Name = 'x'",
    );
    await fc.assert(
      fc.asyncProperty(term, tail, fc.string({ maxLength: 40 }), async (t, rest, noise) => {
        for (const sosl of [`FIND {${t}}${rest}`, `FIND {${t}${rest}`, noise, `FIND {ab} ${noise}`]) {
          const response = await raw(sosl);
          if (response.status !== 200) {
            expect(response.status, sosl).toBe(400);
            expect(response.body[0].errorCode, sosl).toMatch(
              /^(MALFORMED_SEARCH|INVALID_SEARCH|INVALID_TYPE|INVALID_FIELD|MALFORMED_QUERY|INVALID_QUERY_FILTER_OPERATOR)$/,
            );
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('parameterized search', () => {
  it('GET with sobject, per-object fields and limit', async () => {
    const response = await call(
      emulator,
      token,
      'GET',
      '/services/data/v60.0/parameterizedSearch?q=Quantics&sobject=Account&Account.fields=id,name&Account.limit=10&sobject=Contact&Contact.fields=Name,Email&Contact.where=Email%20LIKE%20%27zelda%25%27',
    );
    expect(response.status).toBe(200);
    // Objects in the order asked; records of each object by relevance.
    expect(response.body.searchRecords.map((r: Rec) => r.attributes.type)).toEqual([
      'Account',
      'Account',
      'Contact',
    ]);
    expect(names(response.body.searchRecords)).toEqual([
      'Zelda Brightwood',
      'Zenith Quantics Labs',
      'Zephyrine Quantics',
    ]);
    const global = await call(
      emulator,
      token,
      'GET',
      '/services/data/v60.0/parameterizedSearch?q=Brightwater&in=NAME',
    );
    expect(global.body.searchRecords.map((r: Rec) => r.Id)).toEqual([ids.brightwater]);
  });

  it('POST with sobjects, fields, where, limits and a search group', async () => {
    const response = await call(emulator, token, 'POST', '/services/data/v60.0/parameterizedSearch', {
      q: 'zephyrine',
      in: 'EMAIL',
      fields: ['Id', 'Name'],
      sobjects: [
        { name: 'Account' },
        { name: 'Contact', fields: ['Name', 'Email'], where: "Title LIKE 'Chief%'", limit: 5 },
      ],
      overallLimit: 20,
    });
    expect(response.status).toBe(200);
    expect(response.body.searchRecords).toEqual([
      {
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${ids.brightwater}` },
        Name: 'Zoltan Brightwater',
        Email: 'zoltan.brightwater@zephyrine.example.com',
      },
    ]);
  });

  it('answers bad input with Salesforce error bodies', async () => {
    const noQ = await call(
      emulator,
      token,
      'GET',
      '/services/data/v60.0/parameterizedSearch?sobject=Account',
    );
    expect(noQ.status).toBe(400);
    expect(noQ.body[0].errorCode).toBe('MALFORMED_SEARCH');
    const badJson = await call(emulator, token, 'POST', '/services/data/v60.0/parameterizedSearch', '{"q":');
    expect(badJson.status).toBe(400);
    expect(badJson.body[0].errorCode).toBe('JSON_PARSER_ERROR');
    const badType = await call(emulator, token, 'POST', '/services/data/v60.0/parameterizedSearch', {
      q: 'Acme',
      sobjects: 'Account',
    });
    expect(badType.body[0].errorCode).toBe('JSON_PARSER_ERROR');
    const injection = await call(emulator, token, 'POST', '/services/data/v60.0/parameterizedSearch', {
      q: 'Acme',
      sobjects: [{ name: 'Account WHERE Name != null' }],
    });
    expect(injection.status).toBe(400);
    const unknown = await call(emulator, token, 'POST', '/services/data/v60.0/parameterizedSearch', {
      q: 'Acme',
      sobjects: [{ name: 'Nope__c' }],
    });
    expect(unknown.body[0].errorCode).toBe('INVALID_TYPE');
  });
});
