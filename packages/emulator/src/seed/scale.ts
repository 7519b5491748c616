import type { StatementSync } from 'node:sqlite';
import { makeId } from '../ids.ts';
import { type ObjectMeta, storedFields } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { quoteIdent, statement, transaction } from '../store/database.ts';
import { applyDerivedFields } from '../store/records.ts';
import type { StoredValue } from '../store/values.ts';

/** How many records of each object a scaled seed adds. */
export interface ScaleCounts {
  Account: number;
  Contact: number;
  Lead: number;
  Opportunity: number;
  Case: number;
  Task: number;
  Event: number;
}

export interface ScaleOptions {
  /** Called as rows are written (for a progress bar): rows done so far, rows in all. */
  onProgress?: (done: number, total: number) => void;
}

/** Records per contact: one account per five contacts, a case per two, and so on. */
export function scaleCounts(contacts: number): ScaleCounts {
  return {
    Account: Math.max(1, Math.ceil(contacts / 5)),
    Contact: contacts,
    Lead: Math.ceil(contacts / 4),
    Opportunity: Math.ceil(contacts / 5),
    Case: Math.ceil(contacts / 2),
    Task: Math.ceil(contacts / 2),
    Event: Math.ceil(contacts / 5),
  };
}

/** mulberry32: a small, fast, seedable PRNG, so that the same seed gives the same org. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

const FIRST =
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Jerry Helen Tyler Catherine Aaron Diane Jose Julie Adam Victoria Nathan Joyce Henry Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith Jeremy Evelyn Walter Hannah Christian Andrea Keith Megan Roger Cheryl Terry Jacqueline Austin Madison Sean Teresa Gerald Abigail Carl Sophia Harold Martha Dylan Sara Arthur Gloria Lawrence Janice Jordan Kathryn Jesse Ann Bryan Isabella Billy Judy Bruce Charlotte Gabriel Julia Joe Grace Logan Amber Alan Alice Juan Jean Albert Denise Willie Frances Elijah Danielle Wayne Marilyn Randy Natalie Vincent Beverly Mason Diana Roy Brittany Ralph Theresa Bobby Kayla Russell Alexis Bradley Doris Philip Lori Eugene Tiffany Priya Wei Aisha Mohammed Yuki Carlos Fatima Hiroshi Ana Omar Mei Raj Leila Sven Ingrid Mateo Chloe'.split(
    ' ',
  );
const LAST =
  "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval O'Connor D'Angelo Tanaka Yamamoto Singh Kumar Müller Schneider Novak Kowalski Johansson Dubois Rossi Bianchi".split(
    ' ',
  );
const COMPANY_A =
  'Blue Red Green Silver Golden Northern Southern Eastern Western Pacific Atlantic Summit Pioneer Vertex Apex Bright Clear Swift Prime United Global Metro Urban Coastal Mountain River Lake Harbor Iron Cedar Maple Oak Pine Granite Crystal Quantum Stellar Nova Orbit'.split(
    ' ',
  );
const COMPANY_B =
  'Systems Solutions Industries Logistics Dynamics Labs Networks Partners Holdings Foods Health Energy Media Analytics Robotics Capital Retail Motors Software Designs Consulting Manufacturing Supply Pharma Telecom Ventures Works Group Brands Services'.split(
    ' ',
  );
const SUFFIX = ['Inc.', 'LLC', 'Ltd', 'Corp.', 'Co.', 'GmbH', 'S.A.', ''];
const CITIES: [string, string, string][] = [
  ['New York', 'NY', 'USA'],
  ['San Francisco', 'CA', 'USA'],
  ['Los Angeles', 'CA', 'USA'],
  ['Chicago', 'IL', 'USA'],
  ['Austin', 'TX', 'USA'],
  ['Seattle', 'WA', 'USA'],
  ['Boston', 'MA', 'USA'],
  ['Denver', 'CO', 'USA'],
  ['Atlanta', 'GA', 'USA'],
  ['Miami', 'FL', 'USA'],
  ['Toronto', 'ON', 'Canada'],
  ['London', '', 'United Kingdom'],
  ['Paris', '', 'France'],
  ['Berlin', '', 'Germany'],
  ['Tokyo', '', 'Japan'],
  ['Sydney', 'NSW', 'Australia'],
];
const TITLES =
  'CEO,CFO,CTO,COO,VP of Sales,VP of Operations,VP of Marketing,Director of IT,IT Manager,Operations Manager,Procurement Manager,Account Manager,Office Manager,Software Engineer,Data Analyst,Product Manager,Customer Success Manager,Head of Finance,Controller,Buyer'.split(
    ',',
  );
const DEPARTMENTS =
  'Sales,Operations,Finance,IT,Marketing,Procurement,Engineering,Customer Success,Legal,HR'.split(',');
const SUBJECTS = [
  'Cannot log in to the portal',
  'Invoice amount does not match the quote',
  'Duplicate charge on the last invoice',
  'Request for a refund',
  'Shipment arrived damaged',
  'Order has not arrived yet',
  'Need help configuring SSO',
  'Password reset e-mail not received',
  'API returns an error after the upgrade',
  'Report export is very slow',
  'Feature request: dark mode',
  'How do I add more users?',
  'Question about the renewal terms',
  'Update the billing address',
  'VPN connection drops',
  'Data import failed halfway',
  'Mobile app crashes on start',
  'Request for a product demo',
  'Change the account owner',
  'Cancel the subscription',
];
const TASK_SUBJECTS = [
  'Call',
  'Send Letter',
  'Send Quote',
  'Follow up',
  'Check in after the demo',
  'Confirm the renewal date',
  'Send the contract',
  'Schedule onboarding',
];
const EVENT_SUBJECTS = [
  'Meeting',
  'Quarterly business review',
  'Product demo',
  'Onboarding session',
  'Renewal discussion',
  'Executive briefing',
  'Training',
  'Callback',
];
const DAY = 24 * 60 * 60 * 1000;

/** An INSERT of whole rows for one object, its Ids and auto-numbers reserved in one block. */
class BulkInserter {
  readonly object: ObjectMeta;
  private readonly insert: StatementSync;
  private readonly columns: string[];
  private readonly defaults: Record<string, StoredValue> = {};
  private nextId: number;
  private nextAuto = new Map<string, number>();
  private readonly userId: string;
  private readonly now: number;

  constructor(org: Org, objectName: string, userId: string, now: Date, count: number) {
    const object = org.catalog.object(objectName);
    if (!object) throw new Error(`Unknown object ${objectName}`);
    this.object = object;
    this.userId = userId;
    this.now = now.getTime();
    this.columns = storedFields(object).map((f) => f.name);
    this.insert = org.db.prepare(
      `INSERT INTO ${quoteIdent(object.name)} (${this.columns.map(quoteIdent).join(', ')}) VALUES (${this.columns.map(() => '?').join(', ')})`,
    );
    for (const field of object.fields) {
      if (field.defaultValue !== null && field.defaultValue !== '')
        this.defaults[field.name] =
          typeof field.defaultValue === 'boolean' ? Number(field.defaultValue) : field.defaultValue;
      else if (field.type === 'boolean') this.defaults[field.name] = 0;
    }
    this.nextId = reserve(org, `id.${object.keyPrefix}`, count);
    for (const field of object.fields) {
      if (field.autoNumber)
        this.nextAuto.set(field.name, reserve(org, `${object.name}.${field.name}`, count));
    }
  }

  /** Writes one row; `created` is its CreatedDate (LastModifiedDate follows it). Returns the Id. */
  add(values: Record<string, StoredValue>, created: Date, modified = created): string {
    const row: Record<string, StoredValue> = { ...this.defaults, ...values };
    const id = makeId(this.object.keyPrefix, this.nextId++);
    row.Id = id;
    for (const [name, n] of this.nextAuto) {
      const field = this.object.fields.find((f) => f.name === name);
      const format = field?.displayFormat ?? '{0}';
      const width = /\{(0+)\}/.exec(format)?.[1]?.length ?? 1;
      row[name] = format.replace(/\{0+\}/, String(n).padStart(width, '0'));
      this.nextAuto.set(name, n + 1);
    }
    row.IsDeleted = 0;
    // Never after the org's now, and never modified before created.
    const createdAt = Math.min(created.getTime(), this.now);
    const modifiedAt = Math.max(createdAt, Math.min(modified.getTime(), this.now));
    row.CreatedDate = new Date(createdAt).toISOString();
    row.LastModifiedDate = new Date(modifiedAt).toISOString();
    row.SystemModstamp = row.LastModifiedDate;
    row.CreatedById ??= this.userId;
    row.LastModifiedById ??= row.CreatedById;
    if (this.object.ownerTypes.length > 0) row.OwnerId ??= this.userId;
    applyDerivedFields(this.object, row);
    this.insert.run(...this.columns.map((c) => row[c] ?? null));
    return id;
  }
}

/** Reserves `count` values of a sequence; returns the first. */
function reserve(org: Org, name: string, count: number): number {
  const row = statement(
    org.db,
    'INSERT INTO _sequences (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value RETURNING value',
  ).get(name, count) as { value: number };
  return row.value - count + 1;
}

/**
 * Adds `contacts` contacts to the org with proportional accounts, leads, opportunities, cases,
 * tasks and events (see {@link scaleCounts}), with realistic variety. The content is deterministic
 * (a seeded PRNG; the same org and N give the same records); dates are spread over the two years
 * before `org.now()`. Rows are written with prepared statements in one transaction, without the API's
 * validation (the generator only makes valid rows), which keeps 100k contacts well under 30 seconds.
 */
export function seedScale(org: Org, contacts: number, options: ScaleOptions = {}): ScaleCounts {
  const counts = scaleCounts(contacts);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const now = org.now();
  const existing = (org.db.prepare('SELECT COUNT(*) AS n FROM "Contact"').get() as { n: number }).n;
  const random = prng(0x5f0 + contacts * 31 + existing);
  let done = 0;
  const tick = () => {
    done++;
    if (done % 5000 === 0 || done === total) options.onProgress?.(done, total);
  };
  const past = (maxDays: number) => new Date(now.getTime() - random.next() * maxDays * DAY);
  const later = (from: Date) => new Date(Math.min(now.getTime(), from.getTime() + random.next() * 60 * DAY));
  const phone = () =>
    `+1${random.pick(['415', '212', '312', '512', '206', '617', '303', '404', '305', '555'])}${String(2000000 + random.int(7999999)).padStart(7, '0')}`;
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

  // A large page cache keeps a big seed's transaction from spilling to the WAL page by page.
  const cacheSize = (org.db.prepare('PRAGMA cache_size').get() as { cache_size: number }).cache_size;
  org.db.exec('PRAGMA cache_size = -262144');
  try {
    seedRows();
  } finally {
    org.db.exec(`PRAGMA cache_size = ${cacheSize}`);
  }
  return counts;

  function seedRows() {
    transaction(org.db, () => {
      // Building an index once over the finished table is much faster than updating it row by row:
      // for a large seed, the seeded tables' secondary indexes are dropped and rebuilt at the end.
      const seeded = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Task', 'Event'];
      const indexes =
        total >= 10_000
          ? (org.db
              .prepare(
                `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${seeded.map(() => '?').join(', ')})`,
              )
              .all(...seeded) as { name: string; sql: string }[])
          : [];
      for (const index of indexes) org.db.exec(`DROP INDEX ${quoteIdent(index.name)}`);
      let users = (
        org.db
          .prepare(`SELECT "Id" FROM "User" WHERE "IsActive" = 1 AND "IsDeleted" = 0 ORDER BY "Id"`)
          .all() as { Id: string }[]
      ).map((u) => u.Id);
      if (users.length === 0) {
        // An org seeded with `none` has no one to own the records: add an integration user.
        const inserter = new BulkInserter(org, 'User', 'pending', now, 1);
        const id = inserter.add(
          {
            Username: 'seed@sfgql.dev',
            FirstName: 'Seed',
            LastName: 'Integration',
            Email: 'seed@sfgql.dev',
            Alias: 'seed',
          },
          now,
        );
        org.db
          .prepare(`UPDATE "User" SET "CreatedById" = ?, "LastModifiedById" = ? WHERE "Id" = ?`)
          .run(id, id, id);
        users = [id];
      }
      const queues = (
        org.db
          .prepare(`SELECT "Id" FROM "Group" WHERE "Type" = 'Queue' AND "IsDeleted" = 0 ORDER BY "Id"`)
          .all() as { Id: string }[]
      ).map((g) => g.Id);
      const creator = users[0] as string;
      const owner = () => random.pick(users);
      const field = (object: string, name: string) =>
        org.catalog.field(org.catalog.object(object) as ObjectMeta, name);
      const values = (object: string, name: string) =>
        field(object, name)?.picklistValues.map((p) => p.value) ?? [];
      const industries = values('Account', 'Industry');
      const accountTypes = values('Account', 'Type');
      const leadSources = values('Contact', 'LeadSource');

      // Accounts
      const accountIns = new BulkInserter(org, 'Account', creator, now, counts.Account);
      const accounts: { id: string; name: string; domain: string; city: [string, string, string] }[] = [];
      for (let i = 0; i < counts.Account; i++) {
        const name =
          `${random.pick(COMPANY_A)} ${random.pick(COMPANY_B)}${random.chance(0.6) ? ` ${random.pick(SUFFIX)}` : ''}`.trim() +
          (random.chance(0.3) ? ` ${i}` : '');
        const city = random.pick(CITIES);
        const domain = `${slug(name)}.example.com`;
        const created = past(730);
        const id = accountIns.add(
          {
            Name: name,
            Industry: random.pick(industries),
            Type: random.pick(accountTypes),
            Rating: random.pick(['Hot', 'Warm', 'Cold', null]),
            Phone: phone(),
            Website: `https://www.${domain}`,
            NumberOfEmployees: 5 + random.int(20000),
            AnnualRevenue: (1 + random.int(5000)) * 100000,
            BillingStreet: `${1 + random.int(9999)} ${random.pick(['Main', 'Market', 'Oak', 'Pine', 'Elm', 'Harbor', 'Park', 'Lake'])} ${random.pick(['Street', 'Avenue', 'Road', 'Boulevard'])}`,
            BillingCity: city[0],
            BillingState: city[1] || null,
            BillingCountry: city[2],
            AccountSource: random.pick(leadSources),
            OwnerId: owner(),
          },
          created,
          later(created),
        );
        accounts.push({ id, name, domain, city });
        tick();
      }

      // Contacts
      const contactIns = new BulkInserter(org, 'Contact', creator, now, counts.Contact);
      const contactRows: {
        id: string;
        account: (typeof accounts)[number] | null;
        email: string;
        phone: string;
      }[] = [];
      for (let i = 0; i < counts.Contact; i++) {
        const account = random.chance(0.95) ? (accounts[i % accounts.length] ?? null) : null;
        const first = random.pick(FIRST);
        const last = random.pick(LAST);
        const email = `${slug(first)}.${slug(last)}${i}@${account?.domain ?? 'example.net'}`;
        const tel = phone();
        const created = past(730);
        const id = contactIns.add(
          {
            AccountId: account?.id ?? null,
            Salutation: random.pick(['Mr.', 'Ms.', 'Mrs.', 'Dr.', null, null]),
            FirstName: random.chance(0.97) ? first : null,
            LastName: last,
            Title: random.pick(TITLES),
            Department: random.pick(DEPARTMENTS),
            Email: random.chance(0.92) ? email : null,
            Phone: random.chance(0.9) ? tel : null,
            MobilePhone: random.chance(0.4) ? phone() : null,
            LeadSource: random.pick(leadSources),
            MailingCity: account?.city[0] ?? null,
            MailingState: account?.city[1] || null,
            MailingCountry: account?.city[2] ?? null,
            HasOptedOutOfEmail: random.chance(0.1) ? 1 : 0,
            OwnerId: owner(),
          },
          created,
          later(created),
        );
        contactRows.push({ id, account, email, phone: tel });
        tick();
      }

      // Leads
      const leadIns = new BulkInserter(org, 'Lead', creator, now, counts.Lead);
      const leadStatuses = values('Lead', 'Status');
      const leadIds: string[] = [];
      for (let i = 0; i < counts.Lead; i++) {
        const first = random.pick(FIRST);
        const last = random.pick(LAST);
        const company = `${random.pick(COMPANY_A)} ${random.pick(COMPANY_B)}`;
        const created = past(365);
        leadIds.push(
          leadIns.add(
            {
              FirstName: first,
              LastName: last,
              Company: company,
              Title: random.pick(TITLES),
              Email: `${slug(first)}.${slug(last)}${i}@${slug(company)}.example.org`,
              Phone: phone(),
              Status: random.pick(leadStatuses),
              LeadSource: random.pick(leadSources),
              Industry: random.pick(values('Lead', 'Industry')),
              Rating: random.pick(['Hot', 'Warm', 'Cold', null]),
              City: random.pick(CITIES)[0],
              OwnerId: random.chance(0.2) && queues.length ? random.pick(queues) : owner(),
            },
            created,
            later(created),
          ),
        );
        tick();
      }

      // Opportunities
      const stages = values('Opportunity', 'StageName');
      const probability: Record<string, number> = {
        Prospecting: 10,
        Qualification: 10,
        'Needs Analysis': 20,
        'Value Proposition': 50,
        'Id. Decision Makers': 60,
        'Perception Analysis': 70,
        'Proposal/Price Quote': 75,
        'Negotiation/Review': 90,
        'Closed Won': 100,
        'Closed Lost': 0,
      };
      const forecast = (stage: string) =>
        stage === 'Closed Won' ? 'Closed' : stage === 'Closed Lost' ? 'Omitted' : 'Pipeline';
      const oppIns = new BulkInserter(org, 'Opportunity', creator, now, counts.Opportunity);
      const opportunities: string[] = [];
      for (let i = 0; i < counts.Opportunity; i++) {
        const account = accounts[i % accounts.length] as (typeof accounts)[number];
        const stage = random.pick(stages);
        const amount = (1 + random.int(200)) * 1000;
        const created = past(540);
        const close = new Date(created.getTime() + (15 + random.int(180)) * DAY).toISOString().slice(0, 10);
        opportunities.push(
          oppIns.add(
            {
              AccountId: account.id,
              Name: `${account.name} - ${random.pick(['Renewal', 'Expansion', 'New Business', 'Upgrade', 'Pilot', 'Services'])}`,
              StageName: stage,
              Amount: amount,
              Probability: probability[stage] ?? 10,
              ExpectedRevenue: (amount * (probability[stage] ?? 10)) / 100,
              ForecastCategoryName: forecast(stage),
              CloseDate: close,
              Type: random.pick(values('Opportunity', 'Type')),
              LeadSource: random.pick(leadSources),
              OwnerId: owner(),
            },
            created,
            later(created),
          ),
        );
        tick();
      }

      // Cases
      const caseIns = new BulkInserter(org, 'Case', creator, now, counts.Case);
      const caseIds: string[] = [];
      const statuses = ['New', 'New', 'Working', 'Working', 'Escalated', 'Closed', 'Closed', 'Closed'];
      for (let i = 0; i < counts.Case; i++) {
        const contact = contactRows[random.int(contactRows.length)] as (typeof contactRows)[number];
        const status = random.pick(statuses);
        const created = past(365);
        const modified = later(created);
        caseIds.push(
          caseIns.add(
            {
              ContactId: contact.id,
              AccountId: contact.account?.id ?? null,
              ContactEmail: contact.email,
              ContactPhone: contact.phone,
              Subject: random.pick(SUBJECTS),
              Description: random.chance(0.7)
                ? `Reported by ${contact.email}. ${random.pick(SUBJECTS)}.`
                : null,
              Status: status,
              Priority: random.pick(['High', 'Medium', 'Medium', 'Low']),
              Origin: random.pick(['Phone', 'Email', 'Web', 'Chat']),
              Type: random.pick(['Question', 'Problem', 'Feature Request', 'Billing', null]),
              Reason: random.pick(values('Case', 'Reason')),
              IsEscalated: status === 'Escalated' ? 1 : 0,
              ClosedDate: status === 'Closed' ? modified.toISOString() : null,
              OwnerId: random.chance(0.3) && queues.length ? random.pick(queues) : owner(),
            },
            created,
            modified,
          ),
        );
        tick();
      }

      // Tasks: calls and to-dos on contacts, related to their cases or opportunities.
      const taskIns = new BulkInserter(org, 'Task', creator, now, counts.Task);
      for (let i = 0; i < counts.Task; i++) {
        const contact = contactRows[random.int(contactRows.length)] as (typeof contactRows)[number];
        const call = random.chance(0.4);
        const status = random.pick(['Not Started', 'In Progress', 'Completed', 'Completed', 'Deferred']);
        const created = past(365);
        const whatId = random.chance(0.5)
          ? random.pick(caseIds)
          : random.chance(0.5)
            ? random.pick(opportunities)
            : (contact.account?.id ?? null);
        taskIns.add(
          {
            WhoId: contact.id,
            WhatId: whatId,
            AccountId: contact.account?.id ?? null,
            Subject: call
              ? `${random.pick(['Inbound', 'Outbound'])} call - ${random.pick(SUBJECTS).toLowerCase()}`
              : random.pick(TASK_SUBJECTS),
            TaskSubtype: call ? 'Call' : 'Task',
            CallType: call ? random.pick(['Inbound', 'Outbound']) : null,
            CallDisposition: call ? random.pick(['Connected', 'Left Voicemail', 'No Answer']) : null,
            CallDurationInSeconds: call ? 30 + random.int(1800) : null,
            Status: status,
            Priority: random.pick(['High', 'Normal', 'Normal', 'Low']),
            ActivityDate: new Date(created.getTime() + random.int(30) * DAY).toISOString().slice(0, 10),
            CompletedDateTime: status === 'Completed' ? later(created).toISOString() : null,
            OwnerId: owner(),
          },
          created,
        );
        tick();
      }

      // Events: meetings, half in the past and half in the next weeks.
      const eventIns = new BulkInserter(org, 'Event', creator, now, counts.Event);
      for (let i = 0; i < counts.Event; i++) {
        const contact = contactRows[random.int(contactRows.length)] as (typeof contactRows)[number];
        const start = new Date(
          Math.floor((now.getTime() + (random.next() - 0.5) * 120 * DAY) / (30 * 60000)) * 30 * 60000,
        );
        const duration = random.pick([15, 30, 30, 45, 60, 60, 90, 120]);
        eventIns.add(
          {
            WhoId: contact.id,
            WhatId: random.chance(0.5) ? random.pick(opportunities) : (contact.account?.id ?? null),
            AccountId: contact.account?.id ?? null,
            Subject: random.pick(EVENT_SUBJECTS),
            Location: random.pick(['Zoom', 'Phone', 'Office', 'Customer site', 'Teams']),
            StartDateTime: start.toISOString(),
            EndDateTime: new Date(start.getTime() + duration * 60000).toISOString(),
            ActivityDateTime: start.toISOString(),
            ActivityDate: start.toISOString().slice(0, 10),
            DurationInMinutes: duration,
            Type: random.pick(['Meeting', 'Call', 'Other']),
            OwnerId: owner(),
          },
          past(200),
        );
        tick();
      }
      for (const index of indexes) org.db.exec(index.sql);
    });
  }
}
