import { type SalesforceClient, type SalesforceRecord, type SoqlFragment, soql, sosl } from '@sfgql/soql';
import DataLoader from 'dataloader';
import {
  buildSchema,
  type ExecutionResult,
  execute,
  type GraphQLObjectType,
  type GraphQLSchema,
  parse,
  validate,
} from 'graphql';

/**
 * The baselines the gateway is measured against: a small hand-written schema over the same objects,
 * answering the same bench queries, the way GraphQL servers are usually written.
 *
 * - `naive`: one resolver per relation, each fetching its own records with its own query, for each
 *   record (a parent by Id, a child list by the parent's Id): the N+1 of resolver-per-field servers.
 * - `dataloader`: the same resolvers through per-request DataLoaders, so each level of the tree is
 *   one batched `Id IN (...)` query per relation: what a careful server does without a planner.
 *
 * Both select the record's own fields when they fetch it; neither folds relations into the parent's
 * statement (that is what the gateway's planner adds).
 */
export type BaselineMode = 'naive' | 'dataloader';

const SDL = /* GraphQL */ `
  enum OrderDirection { ASC DESC }
  enum CaseOrderField { createdDate caseNumber }
  input CaseOrderBy { field: CaseOrderField!, direction: OrderDirection }
  input PicklistOperators { eq: String }
  input CaseFilter { status: PicklistOperators }
  type PageInfo { hasNextPage: Boolean!, endCursor: String }

  interface Owner { id: ID!, name: String }
  type User implements Owner { id: ID!, name: String }
  type Queue implements Owner { id: ID!, name: String }
  type Account { id: ID!, name: String, industry: String
    contacts(first: Int): ContactConnection!
    opportunities(first: Int): OpportunityConnection! }
  type Contact { id: ID!, name: String, email: String, account: Account
    cases(first: Int, orderBy: [CaseOrderBy!]): CaseConnection! }
  type Case { id: ID!, caseNumber: String, subject: String, status: String, createdDate: String
    contact: Contact, account: Account, owner: Owner }
  type Opportunity { id: ID!, name: String, amount: Float
    lineItems(first: Int): OpportunityLineItemConnection! }
  type OpportunityLineItem { id: ID!, quantity: Float, totalPrice: Float, product: Product2 }
  type Product2 { id: ID!, name: String, productCode: String }

  type AccountConnection { nodes: [Account!]!, pageInfo: PageInfo! }
  type ContactConnection { nodes: [Contact!]!, pageInfo: PageInfo! }
  type CaseConnection { nodes: [Case!]!, pageInfo: PageInfo! }
  type OpportunityConnection { nodes: [Opportunity!]!, pageInfo: PageInfo! }
  type OpportunityLineItemConnection { nodes: [OpportunityLineItem!]!, pageInfo: PageInfo! }
  union SearchResult = Contact | Account | Case
  enum SearchableType { Contact Account Case }

  type Query {
    case(caseNumber: String!): Case
    contacts(first: Int): ContactConnection!
    accounts(first: Int): AccountConnection!
    cases(first: Int, after: String, where: CaseFilter, orderBy: [CaseOrderBy!]): CaseConnection!
    globalSearch(term: String!, types: [SearchableType!], first: Int): [SearchResult!]!
  }
`;

/** Each type's fields: GraphQL name → Salesforce field (relations read their lookup). */
const OBJECTS: Record<string, { object: string; fields: Record<string, string> }> = {
  Account: { object: 'Account', fields: { id: 'Id', name: 'Name', industry: 'Industry' } },
  Contact: { object: 'Contact', fields: { id: 'Id', name: 'Name', email: 'Email', accountId: 'AccountId' } },
  Case: {
    object: 'Case',
    fields: {
      id: 'Id',
      caseNumber: 'CaseNumber',
      subject: 'Subject',
      status: 'Status',
      createdDate: 'CreatedDate',
      contactId: 'ContactId',
      accountId: 'AccountId',
      ownerId: 'OwnerId',
    },
  },
  Opportunity: { object: 'Opportunity', fields: { id: 'Id', name: 'Name', amount: 'Amount' } },
  OpportunityLineItem: {
    object: 'OpportunityLineItem',
    fields: { id: 'Id', quantity: 'Quantity', totalPrice: 'TotalPrice', productId: 'Product2Id' },
  },
  Product2: { object: 'Product2', fields: { id: 'Id', name: 'Name', productCode: 'ProductCode' } },
  User: { object: 'User', fields: { id: 'Id', name: 'Name' } },
  Queue: { object: 'Group', fields: { id: 'Id', name: 'Name' } },
};

type Row = Record<string, unknown> & { __typename: string };

const fieldsOf = (type: string) =>
  Object.values((OBJECTS[type] as { fields: Record<string, string> }).fields);
const select = (type: string) => soql.fields(fieldsOf(type));
const from = (type: string) => soql.ident((OBJECTS[type] as { object: string }).object);

/** A Salesforce record as the baseline's resolvers see it: GraphQL names, and the type. */
function rowOf(type: string, record: SalesforceRecord): Row {
  const row: Row = { __typename: type };
  for (const [name, field] of Object.entries((OBJECTS[type] as { fields: Record<string, string> }).fields))
    row[name] = record[field] ?? null;
  return row;
}

const connection = (rows: Row[], first: number, offset = 0) => ({
  nodes: rows.slice(0, first),
  pageInfo: {
    hasNextPage: rows.length > first,
    endCursor: rows.length
      ? Buffer.from(String(offset + Math.min(first, rows.length))).toString('base64')
      : null,
  },
});

const ORDER_FIELDS: Record<string, string> = { createdDate: 'CreatedDate', caseNumber: 'CaseNumber' };
function orderOf(orderBy: { field: string; direction?: string }[] | undefined, fallback: SoqlFragment) {
  if (!orderBy?.length) return fallback;
  return soql.join(
    [
      ...orderBy.map((o) =>
        o.direction === 'DESC'
          ? soql`${soql.ident(ORDER_FIELDS[o.field] as string)} DESC`
          : soql`${soql.ident(ORDER_FIELDS[o.field] as string)} ASC`,
      ),
      soql`Id`,
    ],
    ', ',
  );
}

/** A child list: its object, the lookup to the parent, and its default order. */
const CHILDREN = {
  'Account.contacts': { type: 'Contact', key: 'AccountId' },
  'Account.opportunities': { type: 'Opportunity', key: 'AccountId' },
  'Contact.cases': { type: 'Case', key: 'ContactId' },
  'Opportunity.lineItems': { type: 'OpportunityLineItem', key: 'OpportunityId' },
} as const;

interface Fetchers {
  /** A record of `type` by Id. */
  byId(type: string, id: string): Promise<Row | null>;
  /** The first `first` children of one parent. */
  children(
    relation: keyof typeof CHILDREN,
    parentId: string,
    first: number,
    order: SoqlFragment,
  ): Promise<Row[]>;
}

function naiveFetchers(client: SalesforceClient): Fetchers {
  return {
    async byId(type, id) {
      const result = await client.query(soql`SELECT ${select(type)} FROM ${from(type)} WHERE Id = ${id}`);
      return result.records[0] ? rowOf(type, result.records[0]) : null;
    },
    async children(relation, parentId, first, order) {
      const { type, key } = CHILDREN[relation];
      const result = await client.query(
        soql`SELECT ${select(type)} FROM ${from(type)} WHERE ${soql.ident(key)} = ${parentId} ORDER BY ${order} LIMIT ${first + 1}`,
      );
      return result.records.map((r) => rowOf(type, r));
    },
  };
}

function dataloaderFetchers(client: SalesforceClient): Fetchers {
  const records = new Map<string, DataLoader<string, Row | null>>();
  const lists = new Map<string, DataLoader<string, Row[]>>();
  return {
    byId(type, id) {
      let loader = records.get(type);
      if (!loader) {
        loader = new DataLoader(
          async (ids) => {
            const result = await client.query(
              soql`SELECT ${select(type)} FROM ${from(type)} WHERE Id IN ${[...ids]}`,
            );
            const found = new Map(result.records.map((r) => [String(r.Id), rowOf(type, r)]));
            return ids.map((i) => found.get(i) ?? null);
          },
          { maxBatchSize: 200 },
        );
        records.set(type, loader);
      }
      return loader.load(id);
    },
    children(relation, parentId, first, order) {
      const { type, key } = CHILDREN[relation];
      const cacheKey = `${relation} ${first} ${order.text}`;
      let loader = lists.get(cacheKey);
      if (!loader) {
        // One query for every parent of the level; the per-parent limit is applied afterwards.
        loader = new DataLoader(
          async (parentIds) => {
            const result = await client.query(
              soql`SELECT ${soql.fields([...new Set([...fieldsOf(type), key])])} FROM ${from(type)} WHERE ${soql.ident(key)} IN ${[...parentIds]} ORDER BY ${order}`,
            );
            const byParent = new Map<string, Row[]>();
            for (const r of result.records) {
              const rows = byParent.get(String(r[key])) ?? [];
              rows.push(rowOf(type, r));
              byParent.set(String(r[key]), rows);
            }
            return parentIds.map((id) => (byParent.get(id) ?? []).slice(0, first + 1));
          },
          { maxBatchSize: 200 },
        );
        lists.set(cacheKey, loader);
      }
      return loader.load(parentId);
    },
  };
}

/** The baseline schema; a request's fetchers come in its context. */
export function createBaselineSchema(): GraphQLSchema {
  const schema = buildSchema(SDL);
  const resolvers: Record<string, Record<string, (row: Row, args: never, ctx: Fetchers) => unknown>> = {
    Query: {
      case: async (_r, args: { caseNumber: string }, ctx) => {
        const client = (ctx as unknown as { client: SalesforceClient }).client;
        const result = await client.query(
          soql`SELECT ${select('Case')} FROM Case WHERE CaseNumber = ${args.caseNumber} LIMIT 1`,
        );
        return result.records[0] ? rowOf('Case', result.records[0]) : null;
      },
      contacts: (_r, args: { first?: number }, ctx) => list(ctx, 'Contact', args.first ?? 10),
      accounts: (_r, args: { first?: number }, ctx) => list(ctx, 'Account', args.first ?? 10),
      cases: async (
        _r,
        args: {
          first?: number;
          after?: string;
          where?: { status?: { eq?: string } };
          orderBy?: { field: string; direction?: string }[];
        },
        ctx,
      ) => {
        const client = (ctx as unknown as { client: SalesforceClient }).client;
        const first = args.first ?? 10;
        const offset = args.after ? Number(Buffer.from(args.after, 'base64').toString()) : 0;
        const where = args.where?.status?.eq ? soql`WHERE Status = ${args.where.status.eq}` : soql``;
        const result = await client.query(
          soql`SELECT ${select('Case')} FROM Case ${where} ORDER BY ${orderOf(args.orderBy, soql`Id`)} LIMIT ${first + 1} OFFSET ${offset}`,
        );
        return connection(
          result.records.map((r) => rowOf('Case', r)),
          first,
          offset,
        );
      },
      globalSearch: async (_r, args: { term: string; types?: string[]; first?: number }, ctx) => {
        const client = (ctx as unknown as { client: SalesforceClient }).client;
        const types = args.types?.length ? args.types : ['Contact', 'Account', 'Case'];
        const found = await client.search(
          sosl.find(args.term, {
            prefix: true,
            limit: args.first ?? 20,
            returning: types.map((t) => ({ object: t, fields: fieldsOf(t) })),
          }),
        );
        return found.map((r) => rowOf(r.attributes?.type as string, r));
      },
    },
    Contact: {
      account: (row, _a, ctx) => (row.accountId ? ctx.byId('Account', row.accountId as string) : null),
      cases: async (
        row,
        args: { first?: number; orderBy?: { field: string; direction?: string }[] },
        ctx,
      ) => {
        const first = args.first ?? 10;
        const rows = await ctx.children(
          'Contact.cases',
          row.id as string,
          first,
          orderOf(args.orderBy, soql`Id`),
        );
        return connection(rows, first);
      },
    },
    Case: {
      contact: (row, _a, ctx) => (row.contactId ? ctx.byId('Contact', row.contactId as string) : null),
      account: (row, _a, ctx) => (row.accountId ? ctx.byId('Account', row.accountId as string) : null),
      owner: (row, _a, ctx) => {
        const id = row.ownerId as string | null;
        if (!id) return null;
        return ctx.byId(id.startsWith('00G') ? 'Queue' : 'User', id);
      },
    },
    Account: {
      contacts: async (row, args: { first?: number }, ctx) => {
        const first = args.first ?? 10;
        return connection(await ctx.children('Account.contacts', row.id as string, first, soql`Id`), first);
      },
      opportunities: async (row, args: { first?: number }, ctx) => {
        const first = args.first ?? 10;
        return connection(
          await ctx.children('Account.opportunities', row.id as string, first, soql`Id`),
          first,
        );
      },
    },
    Opportunity: {
      lineItems: async (row, args: { first?: number }, ctx) => {
        const first = args.first ?? 10;
        return connection(
          await ctx.children('Opportunity.lineItems', row.id as string, first, soql`Id`),
          first,
        );
      },
    },
    OpportunityLineItem: {
      product: (row, _a, ctx) => (row.productId ? ctx.byId('Product2', row.productId as string) : null),
    },
  };
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    const defs = type.getFields();
    for (const [name, resolve] of Object.entries(fields))
      (defs[name] as { resolve?: unknown }).resolve = resolve;
  }
  for (const name of ['Owner', 'SearchResult']) {
    const type = schema.getType(name) as { resolveType?: unknown };
    type.resolveType = (row: Row) => row.__typename;
  }
  return schema;
}

async function list(ctx: Fetchers, type: string, first: number) {
  const client = (ctx as unknown as { client: SalesforceClient }).client;
  const result = await client.query(
    soql`SELECT ${select(type)} FROM ${from(type)} ORDER BY Id LIMIT ${first + 1}`,
  );
  return connection(
    result.records.map((r) => rowOf(type, r)),
    first,
  );
}

/** Runs one operation on the baseline, with fresh fetchers (per request, as loaders must be). */
export async function runBaseline(
  schema: GraphQLSchema,
  mode: BaselineMode,
  client: SalesforceClient,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<ExecutionResult> {
  const document = parse(query);
  const errors = validate(schema, document);
  if (errors.length) return { errors };
  const fetchers = mode === 'naive' ? naiveFetchers(client) : dataloaderFetchers(client);
  return execute({
    schema,
    document,
    variableValues: variables,
    contextValue: { ...fetchers, client },
  }) as Promise<ExecutionResult>;
}
