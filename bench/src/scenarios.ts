/** One representative query; `pages` > 1 follows `pageInfo.endCursor` with `$after`. */
export interface Scenario {
  id: string;
  title: string;
  query: string;
  pages?: number;
}

/**
 * The bench queries. Each is written once and answered by the gateway and both baselines, which
 * take the same arguments for these fields.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'case-by-number',
    title: 'a single case by number, with contact, account and owner',
    query: `{ case(caseNumber: "00001104") {
      caseNumber subject status
      contact { name account { name } }
      owner { name }
    } }`,
  },
  {
    id: 'contacts-recent-cases',
    title: '50 contacts with their account and 3 most recent cases (and owners)',
    query: `{ contacts(first: 50) { nodes {
      name email
      account { name }
      cases(first: 3, orderBy: [{ field: createdDate, direction: DESC }]) {
        nodes { caseNumber subject status owner { name } }
      }
    } } }`,
  },
  {
    id: 'accounts-deep',
    title: '10 accounts with contacts, opportunities, line items and products',
    query: `{ accounts(first: 10) { nodes {
      name
      contacts(first: 3) { nodes { name } }
      opportunities(first: 5) { nodes {
        name amount
        lineItems { nodes { quantity totalPrice product { name productCode } } }
      } }
    } } }`,
  },
  {
    id: 'global-search',
    title: 'a global search (contacts, accounts, cases) with each contact’s account',
    query: `{ globalSearch(term: "Acme", types: [Contact, Account, Case], first: 20) {
      __typename
      ... on Contact { name email account { name } }
      ... on Account { name industry }
      ... on Case { caseNumber subject }
    } }`,
  },
  {
    id: 'cases-paged',
    title: 'new cases, newest first, 2 pages of 20, with owner and contact',
    pages: 2,
    query: `query ($after: String) { cases(
      first: 20, after: $after,
      where: { status: { eq: "New" } },
      orderBy: [{ field: createdDate, direction: DESC }]
    ) {
      nodes { caseNumber subject createdDate owner { name } contact { name } }
      pageInfo { hasNextPage endCursor }
    } }`,
  },
];
