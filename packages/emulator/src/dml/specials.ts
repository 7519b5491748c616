import { ApiError } from '../errors.ts';
import type { ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { statement } from '../store/database.ts';
import { getRow, insertRow, updateRow, type WriteContext } from '../store/records.ts';
import { type StoredValue, storageDatetime } from '../store/values.ts';

type Row = Record<string, StoredValue>;

/** What a special sees: the org, the running user and time. */
export interface SpecialContext {
  org: Org;
  ctx: WriteContext;
}

/**
 * Behaviour that only some objects have, written as code because it is not data: derived fields that
 * depend on other records (Case.AccountId from its contact, line item prices), cross-field rules, and
 * records kept in step (a ContentNote is also a ContentDocument).
 */
export interface Special {
  /** Before a row is written; `previous` is undefined on create. May change `row` or throw. */
  before?(s: SpecialContext, row: Row, previous: Row | undefined): void;
  /** After the row is written, in the same transaction. */
  after?(s: SpecialContext, row: Row, previous: Row | undefined): void;
  /** After the row is soft-deleted, in the same transaction. */
  deleted?(s: SpecialContext, row: Row): void;
}

const integrity = (message: string, fields: string[] = []) =>
  new ApiError(400, 'FIELD_INTEGRITY_EXCEPTION', message, fields);

function parent(org: Org, objectName: string, id: StoredValue | undefined): Row | undefined {
  if (typeof id !== 'string') return undefined;
  const object = org.catalog.object(objectName);
  return object ? getRow(org.db, object, id) : undefined;
}

function objectOf(org: Org, id: StoredValue | undefined): ObjectMeta | undefined {
  return typeof id === 'string' ? org.catalog.objectByKeyPrefix(id.slice(0, 3)) : undefined;
}

/** Task.AccountId and Event.AccountId: the account of the What, or else of the Who (a contact). */
function activityAccount(org: Org, row: Row): void {
  const what = objectOf(org, row.WhatId);
  let account: StoredValue = null;
  if (what?.name === 'Account') account = row.WhatId ?? null;
  else if (what && ['Opportunity', 'Case', 'Contact'].includes(what.name))
    account = parent(org, what.name, row.WhatId)?.AccountId ?? null;
  if (!account && objectOf(org, row.WhoId)?.name === 'Contact')
    account = parent(org, 'Contact', row.WhoId)?.AccountId ?? null;
  row.AccountId = account;
}

/** Opportunity stages' default probability and forecast category, as in a new org. */
const STAGES: Record<string, [number, string]> = {
  Prospecting: [10, 'Pipeline'],
  Qualification: [10, 'Pipeline'],
  'Needs Analysis': [20, 'Pipeline'],
  'Value Proposition': [50, 'Pipeline'],
  'Id. Decision Makers': [60, 'Pipeline'],
  'Perception Analysis': [70, 'Pipeline'],
  'Proposal/Price Quote': [75, 'Pipeline'],
  'Negotiation/Review': [90, 'Pipeline'],
  'Closed Won': [100, 'Closed'],
  'Closed Lost': [0, 'Omitted'],
};

const MINUTE = 60_000;

/** Recomputes an opportunity's amount and quantity from its line items, as the roll-up does. */
function rollUpLineItems(s: SpecialContext, opportunityId: StoredValue | undefined): void {
  const opportunity = s.org.catalog.object('Opportunity');
  if (!opportunity || typeof opportunityId !== 'string') return;
  const existing = getRow(s.org.db, opportunity, opportunityId);
  if (!existing) return;
  const totals = statement(
    s.org.db,
    `SELECT COUNT(*) AS n, SUM("TotalPrice") AS amount, SUM("Quantity") AS quantity FROM "OpportunityLineItem" WHERE "OpportunityId" = ? AND "IsDeleted" = 0`,
  ).get(opportunityId) as { n: number; amount: number | null; quantity: number | null };
  const values: Row =
    totals.n > 0
      ? { HasOpportunityLineItem: 1, Amount: totals.amount, TotalOpportunityQuantity: totals.quantity }
      : { HasOpportunityLineItem: 0 };
  values.ExpectedRevenue = expectedRevenue({ ...existing, ...values });
  updateRow(s.org.db, opportunity, existing, values, s.ctx);
}

function expectedRevenue(row: Row): StoredValue {
  if (
    row.Amount === null ||
    row.Amount === undefined ||
    row.Probability === null ||
    row.Probability === undefined
  )
    return null;
  return Math.round(Number(row.Amount) * Number(row.Probability)) / 100;
}

/** Keeps a campaign's member counters in step with its members. */
function countMembers(s: SpecialContext, campaignId: StoredValue | undefined): void {
  const campaign = s.org.catalog.object('Campaign');
  if (!campaign || typeof campaignId !== 'string') return;
  const existing = getRow(s.org.db, campaign, campaignId);
  if (!existing) return;
  const counts = statement(
    s.org.db,
    `SELECT SUM("LeadId" IS NOT NULL AND "ContactId" IS NULL) AS leads, SUM("ContactId" IS NOT NULL) AS contacts, SUM("HasResponded") AS responses FROM "CampaignMember" WHERE "CampaignId" = ? AND "IsDeleted" = 0`,
  ).get(campaignId) as { leads: number | null; contacts: number | null; responses: number | null };
  statement(
    s.org.db,
    `UPDATE "Campaign" SET "NumberOfLeads" = ?, "NumberOfContacts" = ?, "NumberOfResponses" = ? WHERE "Id" = ?`,
  ).run(counts.leads ?? 0, counts.contacts ?? 0, counts.responses ?? 0, campaignId);
}

/** The text a ContentNote's body shows in lists: its HTML or text without tags, at most 300 characters. */
function textPreview(base64: StoredValue | undefined): StoredValue {
  if (typeof base64 !== 'string') return null;
  const text = Buffer.from(base64, 'base64')
    .toString('utf8')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text.slice(0, 300) || null;
}

const specials: Record<string, Special> = {
  Case: {
    before({ org, ctx }, row, previous) {
      // A case with a contact and no account takes the contact's account, as Salesforce fills it in.
      const contact = parent(org, 'Contact', row.ContactId);
      if (row.ContactId !== previous?.ContactId) {
        if (contact && !row.AccountId && (!previous || row.AccountId === previous.AccountId))
          row.AccountId = contact.AccountId ?? null;
      }
      row.ContactEmail = contact?.Email ?? null;
      row.ContactPhone = contact?.Phone ?? null;
      const closed = String(row.Status ?? '') === 'Closed';
      if (closed && !(previous && String(previous.Status ?? '') === 'Closed'))
        row.ClosedDate = storageDatetime(ctx.now);
      if (!closed) row.ClosedDate = null;
    },
  },
  Task: {
    before({ org, ctx }, row, previous) {
      activityAccount(org, row);
      if (row.Status === 'Completed' && previous?.Status !== 'Completed')
        row.CompletedDateTime = storageDatetime(ctx.now);
      if (row.Status !== 'Completed') row.CompletedDateTime = null;
    },
  },
  Event: {
    before({ org }, row, previous) {
      activityAccount(org, row);
      // ActivityDateTime is the older name of StartDateTime; an all-day event may give only a date.
      if (
        previous &&
        row.ActivityDateTime !== previous.ActivityDateTime &&
        row.StartDateTime === previous.StartDateTime
      )
        row.StartDateTime = row.ActivityDateTime ?? null;
      if (!row.StartDateTime && row.ActivityDateTime) row.StartDateTime = row.ActivityDateTime;
      if (!row.StartDateTime && row.ActivityDate) row.StartDateTime = `${row.ActivityDate}T00:00:00.000Z`;
      const start = row.StartDateTime ? Date.parse(String(row.StartDateTime)) : Number.NaN;
      if (!Number.isNaN(start)) {
        // An end that changes sets the duration; otherwise the duration moves the end with the start.
        const endChanged = row.EndDateTime && row.EndDateTime !== previous?.EndDateTime;
        const hasDuration = row.DurationInMinutes !== null && row.DurationInMinutes !== undefined;
        if (row.EndDateTime && (endChanged || !hasDuration)) {
          const end = Date.parse(String(row.EndDateTime));
          if (end < start) {
            // Worded as Salesforce's validation (unconfirmed).
            throw integrity('End Date Time: End Date Time cannot be before Start Date Time', ['EndDateTime']);
          }
          row.DurationInMinutes = Math.round((end - start) / MINUTE);
        } else if (hasDuration) {
          row.EndDateTime = new Date(start + Number(row.DurationInMinutes) * MINUTE).toISOString();
        }
        row.ActivityDateTime = new Date(start).toISOString();
        row.ActivityDate = new Date(start).toISOString().slice(0, 10);
      }
      if (Number(row.DurationInMinutes) > 14 * 24 * 60) {
        throw integrity('Event duration cannot exceed 14 days', ['DurationInMinutes']);
      }
    },
  },
  Opportunity: {
    before(_s, row, previous) {
      const stage = STAGES[String(row.StageName)];
      if (stage && row.StageName !== previous?.StageName) {
        // The stage's default probability applies unless the same write sets one.
        if (!previous || row.Probability === previous.Probability) {
          if (row.Probability === null || row.Probability === undefined || previous)
            row.Probability = stage[0];
        }
        row.ForecastCategoryName = stage[1];
      }
      row.ExpectedRevenue = expectedRevenue(row);
    },
  },
  OpportunityLineItem: {
    before({ org }, row, previous) {
      const opportunity = parent(org, 'Opportunity', row.OpportunityId);
      if (!previous) {
        let entry = parent(org, 'PricebookEntry', row.PricebookEntryId);
        if (!entry && row.Product2Id) {
          // A line item given only a product uses the product's entry in the opportunity's price book.
          const pricebookId =
            opportunity?.Pricebook2Id ??
            (
              statement(
                org.db,
                `SELECT "Id" FROM "Pricebook2" WHERE "IsStandard" = 1 AND "IsDeleted" = 0 LIMIT 1`,
              ).get() as { Id: string } | undefined
            )?.Id;
          entry = statement(
            org.db,
            `SELECT * FROM "PricebookEntry" WHERE "Product2Id" = ? AND "Pricebook2Id" = ? AND "IsDeleted" = 0`,
          ).get(row.Product2Id, pricebookId ?? '') as Row | undefined;
          if (!entry)
            throw integrity('field integrity exception: PricebookEntryId, Product2Id', ['PricebookEntryId']);
          row.PricebookEntryId = entry.Id ?? null;
        }
        if (!entry) return;
        if (!entry.IsActive)
          throw integrity('field integrity exception: PricebookEntryId (pricebook entry is inactive)', [
            'PricebookEntryId',
          ]);
        if (opportunity?.Pricebook2Id && opportunity.Pricebook2Id !== entry.Pricebook2Id) {
          throw integrity(
            'field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the opportunity)',
            ['PricebookEntryId'],
          );
        }
        if (opportunity && !opportunity.Pricebook2Id) {
          // The first line item assigns the entry's price book to the opportunity (unconfirmed for API writes).
          statement(org.db, `UPDATE "Opportunity" SET "Pricebook2Id" = ? WHERE "Id" = ?`).run(
            entry.Pricebook2Id ?? null,
            opportunity.Id as string,
          );
        }
        row.Product2Id = entry.Product2Id ?? null;
        row.ListPrice = entry.UnitPrice ?? null;
        const product = parent(org, 'Product2', entry.Product2Id);
        row.ProductCode = product?.ProductCode ?? null;
        row.Name = `${opportunity?.Name ?? ''} ${product?.Name ?? ''}`.trim().slice(0, 376);
      }
      const unitSet =
        row.UnitPrice !== null && row.UnitPrice !== undefined && row.UnitPrice !== previous?.UnitPrice;
      const totalSet =
        row.TotalPrice !== null && row.TotalPrice !== undefined && row.TotalPrice !== previous?.TotalPrice;
      if (unitSet && totalSet) {
        throw integrity(
          'field integrity exception: TotalPrice (only one of unit price or total price may be specified)',
          ['TotalPrice'],
        );
      }
      if (!previous && !unitSet && !totalSet) {
        throw integrity(
          'field integrity exception: TotalPrice (must specify either TotalPrice or UnitPrice)',
          ['TotalPrice'],
        );
      }
      const quantity = Number(row.Quantity ?? 0);
      const discount = 1 - Number(row.Discount ?? 0) / 100;
      if (totalSet)
        row.UnitPrice = quantity ? Math.round((Number(row.TotalPrice) / quantity / discount) * 100) / 100 : 0;
      row.TotalPrice = Math.round(quantity * Number(row.UnitPrice ?? 0) * discount * 100) / 100;
    },
    after(s, row) {
      rollUpLineItems(s, row.OpportunityId);
    },
    deleted(s, row) {
      rollUpLineItems(s, row.OpportunityId);
    },
  },
  PricebookEntry: {
    before({ org }, row, previous) {
      if (previous) return;
      const product = parent(org, 'Product2', row.Product2Id);
      row.Name = product?.Name ?? null;
      row.ProductCode = product?.ProductCode ?? null;
      const book = parent(org, 'Pricebook2', row.Pricebook2Id);
      const duplicate = statement(
        org.db,
        `SELECT "Id" FROM "PricebookEntry" WHERE "Product2Id" = ? AND "Pricebook2Id" = ? AND "IsDeleted" = 0`,
      ).get(row.Product2Id ?? null, row.Pricebook2Id ?? null);
      if (duplicate) {
        throw new ApiError(
          400,
          'DUPLICATE_VALUE',
          'This price definition already exists in this price book',
          [],
        );
      }
      if (book && !book.IsStandard) {
        const standard = statement(
          org.db,
          `SELECT e."Id" FROM "PricebookEntry" e JOIN "Pricebook2" b ON b."Id" = e."Pricebook2Id" WHERE e."Product2Id" = ? AND b."IsStandard" = 1 AND e."IsDeleted" = 0`,
        ).get(row.Product2Id ?? null);
        if (!standard)
          throw new ApiError(
            400,
            'STANDARD_PRICE_NOT_DEFINED',
            'No standard price defined for this product',
            [],
          );
      }
    },
  },
  CampaignMember: {
    before({ org, ctx }, row, previous) {
      if (!previous) {
        const duplicate = statement(
          org.db,
          `SELECT "Id" FROM "CampaignMember" WHERE "CampaignId" = ? AND ("ContactId" = ? OR "LeadId" = ?) AND "IsDeleted" = 0`,
        ).get(row.CampaignId ?? null, row.ContactId ?? '', row.LeadId ?? '');
        if (duplicate) throw new ApiError(400, 'DUPLICATE_VALUE', 'Already a campaign member.', []);
        const contact = parent(org, 'Contact', row.ContactId);
        const person = contact ?? parent(org, 'Lead', row.LeadId);
        row.Type = contact ? 'Contact' : 'Lead';
        for (const name of ['FirstName', 'LastName', 'Title', 'Email', 'Phone'] as const)
          row[name] = person?.[name] ?? null;
        row.CompanyOrAccount = contact
          ? ((parent(org, 'Account', contact.AccountId)?.Name as StoredValue) ?? null)
          : (person?.Company ?? null);
      }
      if (row.HasResponded && !row.FirstRespondedDate)
        row.FirstRespondedDate = storageDatetime(ctx.now).slice(0, 10);
    },
    after(s, row) {
      countMembers(s, row.CampaignId);
    },
    deleted(s, row) {
      countMembers(s, row.CampaignId);
    },
  },
  ContentNote: {
    before(_s, row) {
      row.FileType = 'SNOTE';
      row.FileExtension = 'snote';
      row.IsReadOnly = 0;
      row.ContentSize = typeof row.Content === 'string' ? Buffer.from(row.Content, 'base64').byteLength : 0;
      row.TextPreview = textPreview(row.Content);
    },
    after({ org, ctx }, row, previous) {
      // A note is a ContentDocument with the same Id; its owner gets an inferred link, as in Salesforce.
      const document = org.catalog.object('ContentDocument');
      if (!document) return;
      const mirror: Row = {
        Title: row.Title ?? null,
        FileType: 'SNOTE',
        FileExtension: 'snote',
        ContentSize: row.ContentSize ?? 0,
        PublishStatus: 'R',
        SharingPrivacy: row.SharingPrivacy ?? 'N',
        OwnerId: row.OwnerId ?? ctx.userId,
      };
      if (!previous) {
        insertRow(org.db, org.catalog, document, mirror, ctx, { id: row.Id as string });
        const link = org.catalog.object('ContentDocumentLink');
        if (link) {
          insertRow(
            org.db,
            org.catalog,
            link,
            {
              ContentDocumentId: row.Id ?? null,
              LinkedEntityId: row.OwnerId ?? ctx.userId,
              ShareType: 'I',
              Visibility: 'AllUsers',
            },
            ctx,
          );
        }
      } else {
        const existing = getRow(org.db, document, row.Id as string);
        if (existing) updateRow(org.db, document, existing, mirror, ctx);
      }
    },
  },
  ContentDocument: {
    after({ org, ctx }, row, previous) {
      // Renaming the document renames the note it is.
      const note = org.catalog.object('ContentNote');
      const existing = note && getRow(org.db, note, row.Id as string);
      if (note && existing && previous && row.Title !== previous.Title)
        updateRow(org.db, note, existing, { Title: row.Title ?? null }, ctx);
    },
  },
  ContentDocumentLink: {
    before({ org }, row, previous) {
      if (previous) return;
      const duplicate = statement(
        org.db,
        `SELECT "Id" FROM "ContentDocumentLink" WHERE "ContentDocumentId" = ? AND "LinkedEntityId" = ? AND "IsDeleted" = 0`,
      ).get(row.ContentDocumentId ?? null, row.LinkedEntityId ?? null);
      if (duplicate) {
        throw new ApiError(
          400,
          'DUPLICATE_VALUE',
          `Document with ID: ${row.ContentDocumentId} is already linked with the entity with ID: ${row.LinkedEntityId}`,
          [],
        );
      }
    },
  },
  Group: {
    before(_s, row) {
      // Salesforce derives the API name from the label when none is given.
      if (!row.DeveloperName && row.Name)
        row.DeveloperName = String(row.Name)
          .replace(/[^A-Za-z0-9]+/g, '_')
          .replace(/^_|_$/g, '');
    },
  },
};

/** The special behaviour of an object, if it has any. */
export function specialFor(object: ObjectMeta): Special | undefined {
  return specials[object.name];
}

/** Objects whose rows are the same records under two names: deleting one deletes the other. */
export const MIRRORS: Record<string, string> = {
  ContentNote: 'ContentDocument',
  ContentDocument: 'ContentNote',
};
