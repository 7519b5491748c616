import { installConnectedApp } from '../auth/apps.ts';
import { demoConnectedApp } from '../auth/demo-app.ts';
import { createRecord } from '../dml/dml.ts';
import type { Org } from '../org.ts';
import { statement, transaction } from '../store/database.ts';
import { insertRow } from '../store/records.ts';
import type { StoredValue } from '../store/values.ts';

/** One of the demo org's login users. */
export interface DemoUser {
  username: string;
  password: string;
  securityToken: string;
  /** `full` can write; `read` gets INSUFFICIENT_ACCESS_OR_READONLY on every write. */
  access: 'full' | 'read';
}

/**
 * The demo org's contract, relied on by tests, docs and the quick start.
 * The password grant takes `password + securityToken`: `demo1234DEMOTOKEN`.
 */
export const DEMO = {
  username: 'demo@sfgql.dev',
  password: 'demo1234',
  securityToken: 'DEMOTOKEN',
  clientId: 'sfgql-demo',
  clientSecret: 'sfgql-demo-secret',
  caseNumber: '00001104',
  /** The admin (the user above), a standard support agent and a read-only analyst. */
  users: {
    admin: { username: 'demo@sfgql.dev', password: 'demo1234', securityToken: 'DEMOTOKEN', access: 'full' },
    standard: {
      username: 'agent@sfgql.dev',
      password: 'agent1234',
      securityToken: 'AGENTTOKEN',
      access: 'full',
    },
    readOnly: {
      username: 'readonly@sfgql.dev',
      password: 'readonly1234',
      securityToken: 'READTOKEN',
      access: 'read',
    },
  } satisfies Record<string, DemoUser>,
} as const;

/** The demo org's "now": every seeded record was created on or before it. */
export const DEMO_SEEDED_AT = new Date('2026-01-15T09:00:00.000Z');

const HOUR = 60 * 60 * 1000;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Seeds the demo org deterministically (same data, same ids, every time): the users and queues,
 * Acme Corporation and Sarah Johnson with case 00001104, and every other example of the reference
 * documents (knowledge, products and price books, campaigns, activities, notes), plus enough variety
 * around them for searches to have something to tell apart.
 */
export function seedDemo(org: Org): void {
  transaction(org.db, () => {
    // Records are spread over the days before DEMO_SEEDED_AT, in the order they are created.
    let hoursAgo = 24 * 40;
    const at = () => {
      hoursAgo -= 3;
      return new Date(DEMO_SEEDED_AT.getTime() - hoursAgo * HOUR);
    };
    const raw = (objectName: string, values: Record<string, StoredValue>, userId: string) => {
      const object = org.catalog.object(objectName);
      if (!object) throw new Error(`Unknown object ${objectName}`);
      return insertRow(org.db, org.catalog, object, values, { userId, now: at() }).Id as string;
    };

    const profiles = {
      admin: raw(
        'Profile',
        {
          Name: 'System Administrator',
          UserType: 'Standard',
          PermissionsModifyAllData: 1,
          PermissionsViewAllData: 1,
          PermissionsApiEnabled: 1,
        },
        'pending',
      ),
      standard: raw(
        'Profile',
        { Name: 'Standard User', UserType: 'Standard', PermissionsApiEnabled: 1 },
        'pending',
      ),
      readOnly: raw(
        'Profile',
        { Name: 'Read Only', UserType: 'Standard', PermissionsViewAllData: 0, PermissionsApiEnabled: 1 },
        'pending',
      ),
    };
    // The first user creates itself: its Id is known only after the insert.
    const adminId = raw(
      'User',
      {
        Username: DEMO.username,
        FirstName: 'Demo',
        LastName: 'Admin',
        Email: DEMO.username,
        Alias: 'demo',
        CommunityNickname: 'demo',
        Title: 'Salesforce Administrator',
        CompanyName: 'sfgql',
        ProfileId: profiles.admin,
      },
      'pending',
    );
    for (const table of ['Profile', 'User']) {
      org.db.exec(`UPDATE "${table}" SET "CreatedById" = '${adminId}', "LastModifiedById" = '${adminId}'`);
    }
    const user = (values: Record<string, StoredValue>) =>
      raw('User', { CompanyName: 'sfgql', ...values }, adminId);
    const agentId = user({
      Username: DEMO.users.standard.username,
      FirstName: 'Alex',
      LastName: 'Morgan',
      Email: DEMO.users.standard.username,
      Alias: 'amorg',
      CommunityNickname: 'alex.morgan',
      Title: 'Support Agent',
      Department: 'Customer Support',
      ProfileId: profiles.standard,
      ManagerId: adminId,
      TimeZoneSidKey: 'America/New_York',
    });
    const analystId = user({
      Username: DEMO.users.readOnly.username,
      FirstName: 'Riley',
      LastName: 'Chen',
      Email: DEMO.users.readOnly.username,
      Alias: 'rchen',
      CommunityNickname: 'riley.chen',
      Title: 'Business Analyst',
      Department: 'Finance',
      ProfileId: profiles.readOnly,
    });
    // A former employee: inactive users stay in the org and in queries filtered on IsActive.
    user({
      Username: 'jordan.lee@sfgql.dev',
      FirstName: 'Jordan',
      LastName: 'Lee',
      Email: 'jordan.lee@sfgql.dev',
      Alias: 'jlee',
      Title: 'Support Agent',
      ProfileId: profiles.standard,
      IsActive: 0,
    });
    const credentials = statement(
      org.db,
      'INSERT INTO _credentials (userId, password, securityToken, access) VALUES (?, ?, ?, ?)',
    );
    credentials.run(adminId, DEMO.password, DEMO.securityToken, 'full');
    credentials.run(agentId, DEMO.users.standard.password, DEMO.users.standard.securityToken, 'full');
    credentials.run(analystId, DEMO.users.readOnly.password, DEMO.users.readOnly.securityToken, 'read');
    installConnectedApp(
      org.db,
      demoConnectedApp({
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
        integrationUser: DEMO.username,
      }),
    );

    /** Every other record goes through the same validation as an API create. */
    const create = (objectName: string, values: Record<string, unknown>, userId = adminId) => {
      const object = org.catalog.object(objectName);
      if (!object) throw new Error(`Unknown object ${objectName}`);
      return createRecord(org, object, { value: values }, { userId, now: at() });
    };

    const queue = (Name: string, Email: string) => create('Group', { Name, Type: 'Queue', Email });
    const billingQueue = queue('Billing Support', 'billing@sfgql.dev');
    const technicalQueue = queue('Technical Support', 'support@sfgql.dev');
    const tier2Queue = queue('Tier 2 Escalations', 'escalations@sfgql.dev');
    create('Group', { Name: 'All Support Agents', Type: 'Regular' });

    const account = (values: Record<string, unknown>) => create('Account', values);
    const acme = account({
      Name: 'Acme Corporation',
      Industry: 'Manufacturing',
      Phone: '+15551234567',
      Website: 'https://acme.example.com',
      Type: 'Customer - Direct',
      Rating: 'Hot',
      NumberOfEmployees: 1200,
      AnnualRevenue: 250000000,
      BillingStreet: '100 Main Street',
      BillingCity: 'San Francisco',
      BillingState: 'CA',
      BillingPostalCode: '94105',
      BillingCountry: 'USA',
      Description: 'Long-standing manufacturing customer on the Enterprise License.',
    });
    const johnson = account({
      Name: 'Johnson & Associates',
      Industry: 'Consulting',
      Phone: '+15553456789',
      Website: 'https://johnson-associates.example.com',
      Type: 'Customer - Channel',
      BillingCity: 'Chicago',
      BillingState: 'IL',
      BillingCountry: 'USA',
    });
    const globex = account({
      Name: 'Globex Industries',
      Industry: 'Energy',
      Phone: '+15557654321',
      Type: 'Customer - Direct',
      Rating: 'Warm',
      BillingCity: 'Houston',
      BillingState: 'TX',
      BillingCountry: 'USA',
    });
    const initech = account({
      Name: 'Initech',
      Industry: 'Technology',
      Phone: '+15559876543',
      Type: 'Prospect',
      BillingCity: 'Austin',
      BillingState: 'TX',
      BillingCountry: 'USA',
    });
    const umbrella = account({
      Name: 'Umbrella Health',
      Industry: 'Healthcare',
      Phone: '+15554443322',
      Type: 'Prospect',
      Rating: 'Cold',
      BillingCity: 'Boston',
      BillingState: 'MA',
      BillingCountry: 'USA',
    });
    account({
      Name: 'Stark Logistics',
      Industry: 'Transportation',
      Phone: '+15552221100',
      Type: 'Other',
      BillingCity: 'Seattle',
      BillingState: 'WA',
      BillingCountry: 'USA',
      ParentId: globex,
    });

    const contact = (values: Record<string, unknown>) => create('Contact', values);
    const sarah = contact({
      AccountId: acme,
      Salutation: 'Ms.',
      FirstName: 'Sarah',
      LastName: 'Johnson',
      Title: 'VP of Operations',
      Department: 'Operations',
      Email: 'sarah.johnson@acme.example.com',
      Phone: '+15552345678',
      MailingCity: 'San Francisco',
      MailingState: 'CA',
      MailingCountry: 'USA',
      LeadSource: 'Partner Referral',
    });
    const michael = contact({
      AccountId: acme,
      FirstName: 'Michael',
      LastName: 'Chen',
      Title: 'IT Director',
      Email: 'michael.chen@acme.example.com',
      Phone: '+15552345679',
      ReportsToId: sarah,
    });
    const david = contact({
      AccountId: johnson,
      FirstName: 'David',
      LastName: 'Johnson',
      Title: 'Managing Partner',
      Email: 'david@johnson-associates.example.com',
      Phone: '+15553456780',
    });
    const emily = contact({
      AccountId: globex,
      FirstName: 'Emily',
      LastName: 'Davis',
      Title: 'Procurement Manager',
      Email: 'emily.davis@globex.example.com',
      Phone: '+15557654322',
      MobilePhone: '+15557650000',
    });
    contact({
      AccountId: globex,
      FirstName: 'Carlos',
      LastName: 'Garcia',
      Title: 'CFO',
      Email: 'carlos.garcia@globex.example.com',
      Phone: '+15557654323',
    });
    const priya = contact({
      AccountId: initech,
      FirstName: 'Priya',
      LastName: 'Patel',
      Title: 'Head of Customer Success',
      Email: 'priya.patel@initech.example.com',
      Phone: '+15559876544',
    });
    contact({
      AccountId: umbrella,
      FirstName: 'Aisha',
      LastName: 'Khan',
      Title: 'Operations Lead',
      Email: 'aisha.khan@umbrella.example.com',
      Phone: '+15554443323',
    });
    contact({
      FirstName: 'Tom',
      LastName: 'Becker',
      Title: 'Independent Consultant',
      Email: 'tom.becker@example.net',
      MobilePhone: '+15550001111',
    });

    const lead = (values: Record<string, unknown>) => create('Lead', values);
    const laura = lead({
      FirstName: 'Laura',
      LastName: 'Martin',
      Company: 'Northwind Traders',
      Title: 'Operations Manager',
      Email: 'laura.martin@northwind.example.com',
      Phone: '+15551110001',
      LeadSource: 'Web',
      Industry: 'Retail',
    });
    const kevin = lead({
      FirstName: 'Kevin',
      LastName: "O'Brien",
      Company: 'Contoso Ltd',
      Title: 'CTO',
      Email: 'kevin.obrien@contoso.example.com',
      Phone: '+15551110002',
      Status: 'Working - Contacted',
      Rating: 'Hot',
      LeadSource: 'Phone Inquiry',
    });
    lead({
      FirstName: 'Mei',
      LastName: 'Tanaka',
      Company: 'Tanaka Design',
      Email: 'mei@tanakadesign.example.com',
      Phone: '+15551110003',
      LeadSource: 'Partner Referral',
      OwnerId: agentId,
    });
    lead({
      FirstName: 'Rahul',
      LastName: 'Mehta',
      Company: 'Fabrikam',
      Email: 'rahul.mehta@fabrikam.example.com',
      Status: 'Closed - Not Converted',
      Rating: 'Cold',
    });

    // Case numbers continue an existing sequence, so that the guide's example case is 00001104.
    org.db.prepare(`INSERT OR REPLACE INTO _sequences (name, value) VALUES ('Case.CaseNumber', 1100)`).run();
    const kase = (values: Record<string, unknown>) => create('Case', values);
    kase({
      ContactId: sarah,
      Subject: 'Cannot log in to the customer portal',
      Status: 'Closed',
      Priority: 'Medium',
      Origin: 'Web',
    });
    const damaged = kase({
      ContactId: sarah,
      Subject: 'Shipment arrived damaged',
      Status: 'Working',
      Priority: 'High',
      Origin: 'Phone',
    });
    kase({
      ContactId: sarah,
      Subject: 'Request for a product demo',
      Status: 'New',
      Priority: 'Low',
      Origin: 'Email',
    });
    const billingCase = kase({
      ContactId: sarah,
      Subject: 'Billing discrepancy on the January invoice',
      Description:
        'The customer was charged twice for the Enterprise License on the January invoice and asks for a refund of the duplicate charge.',
      Status: 'New',
      Priority: 'High',
      Origin: 'Phone',
      Type: 'Billing',
      Reason: 'Billing',
    });
    const vpn = kase({
      ContactId: michael,
      Subject: 'VPN connection drops every hour',
      Status: 'Working',
      Priority: 'High',
      Origin: 'Email',
      Type: 'Problem',
      Reason: 'Performance',
      OwnerId: technicalQueue,
    });
    kase({
      ContactId: emily,
      Subject: 'Request to update the billing address',
      Status: 'New',
      Priority: 'Low',
      Origin: 'Web',
      Type: 'Question',
      OwnerId: billingQueue,
    });
    kase({
      ContactId: priya,
      Subject: 'Portal shows the wrong contract end date',
      Status: 'Escalated',
      Priority: 'High',
      Origin: 'Chat',
      Type: 'Problem',
      IsEscalated: true,
      OwnerId: tier2Queue,
    });
    kase({
      ContactId: david,
      Subject: 'Copy of the December invoice',
      Status: 'Closed',
      Priority: 'Low',
      Origin: 'Email',
      Type: 'Billing',
      OwnerId: agentId,
    });
    kase({
      SuppliedName: 'Pat Quinn',
      SuppliedEmail: 'pat.quinn@example.org',
      SuppliedPhone: '+15550002222',
      Subject: 'Question about pricing for nonprofits',
      Status: 'New',
      Priority: 'Medium',
      Origin: 'Web',
      Type: 'Question',
    });
    create('CaseComment', {
      ParentId: billingCase,
      CommentBody: 'Confirmed the duplicate charge with Finance; refund pending approval.',
      IsPublished: false,
    });
    create('CaseComment', {
      ParentId: damaged,
      CommentBody: 'Replacement unit shipped via express courier.',
      IsPublished: true,
    });

    // Products and price books: the standard price book exists in every org and is not createable.
    const standardBook = raw(
      'Pricebook2',
      { Name: 'Standard Price Book', IsStandard: 1, IsActive: 1, Description: 'The standard price book' },
      adminId,
    );
    const partnerBook = create('Pricebook2', {
      Name: 'Partner Price Book',
      IsActive: true,
      Description: 'Discounted prices for channel partners',
    });
    const product = (values: Record<string, unknown>, price: number) => {
      const id = create('Product2', values);
      const entry = create('PricebookEntry', {
        Pricebook2Id: standardBook,
        Product2Id: id,
        UnitPrice: price,
        IsActive: values.IsActive !== false,
      });
      return { id, entry };
    };
    const enterprise = product(
      {
        Name: 'Enterprise License',
        ProductCode: 'ENT-001',
        Description: 'Annual enterprise license',
        IsActive: true,
        Family: 'Software',
        QuantityUnitOfMeasure: 'Licenses',
        StockKeepingUnit: 'SKU-ENT-001',
      },
      5000,
    );
    product(
      {
        Name: 'Professional License',
        ProductCode: 'PRO-001',
        Description: 'Annual professional license for small teams',
        IsActive: true,
        Family: 'Software',
        QuantityUnitOfMeasure: 'Licenses',
        StockKeepingUnit: 'SKU-PRO-001',
      },
      1200,
    );
    const support = product(
      {
        Name: 'Premium Support',
        ProductCode: 'SUP-PREM',
        Description: '24x7 support with a four-hour response time',
        IsActive: true,
        Family: 'Support',
        QuantityUnitOfMeasure: 'Each',
      },
      2500,
    );
    const onboarding = product(
      {
        Name: 'Onboarding Services',
        ProductCode: 'SRV-ONB',
        Description: 'Guided onboarding, up to 40 hours',
        IsActive: true,
        Family: 'Services',
        QuantityUnitOfMeasure: 'Hours',
      },
      8000,
    );
    product(
      {
        Name: 'Legacy Connector',
        ProductCode: 'LEG-001',
        Description: 'Retired on-premise connector',
        IsActive: false,
        Family: 'Software',
      },
      500,
    );
    create('PricebookEntry', {
      Pricebook2Id: partnerBook,
      Product2Id: enterprise.id,
      UnitPrice: 4500,
      IsActive: true,
    });

    const q1 = create('Campaign', {
      Name: 'Q1 2026 Outreach',
      Type: 'Email',
      Status: 'In Progress',
      StartDate: '2026-01-01',
      EndDate: '2026-03-31',
      IsActive: true,
      BudgetedCost: 20000,
      ExpectedRevenue: 250000,
      NumberSent: 1200,
      Description: 'Renewal and upsell outreach to existing customers.',
    });
    create('Campaign', {
      Name: 'Spring Webinar Series',
      Type: 'Webinar',
      Status: 'Planned',
      StartDate: '2026-04-01',
      EndDate: '2026-05-31',
      IsActive: true,
      BudgetedCost: 5000,
    });
    const conference = create('Campaign', {
      Name: '2025 Customer Conference',
      Type: 'Seminar / Conference',
      Status: 'Completed',
      StartDate: '2025-10-14',
      EndDate: '2025-10-16',
      IsActive: false,
      ActualCost: 85000,
    });

    const opportunity = (values: Record<string, unknown>) => create('Opportunity', values);
    const renewal = opportunity({
      AccountId: acme,
      Name: 'Acme - Enterprise License Renewal',
      StageName: 'Negotiation/Review',
      CloseDate: '2026-03-31',
      Type: 'Existing Customer - Upgrade',
      LeadSource: 'Partner Referral',
      CampaignId: q1,
      NextStep: 'Send the renewal quote',
      Pricebook2Id: standardBook,
    });
    create('OpportunityLineItem', {
      OpportunityId: renewal,
      PricebookEntryId: enterprise.entry,
      Quantity: 10,
      UnitPrice: 5000,
      Description: 'Ten seats, annual',
    });
    create('OpportunityLineItem', {
      OpportunityId: renewal,
      PricebookEntryId: support.entry,
      Quantity: 1,
      UnitPrice: 2500,
    });
    const upgrade = opportunity({
      AccountId: globex,
      Name: 'Globex - Support Upgrade',
      StageName: 'Proposal/Price Quote',
      CloseDate: '2026-02-28',
      Type: 'Existing Customer - Upgrade',
    });
    create('OpportunityLineItem', {
      OpportunityId: upgrade,
      PricebookEntryId: support.entry,
      Quantity: 2,
      UnitPrice: 2250,
      Discount: 0,
    });
    create('OpportunityLineItem', {
      OpportunityId: upgrade,
      PricebookEntryId: onboarding.entry,
      Quantity: 1,
      TotalPrice: 8000,
    });
    opportunity({
      AccountId: initech,
      Name: 'Initech - New Deployment',
      StageName: 'Prospecting',
      CloseDate: '2026-06-30',
      Amount: 120000,
      Type: 'New Customer',
      LeadSource: 'Web',
      OwnerId: agentId,
    });
    opportunity({
      AccountId: johnson,
      Name: 'Johnson & Associates - Training',
      StageName: 'Closed Won',
      CloseDate: '2025-12-15',
      Amount: 15000,
      Type: 'Existing Customer - Upgrade',
      CampaignId: conference,
    });
    opportunity({
      AccountId: umbrella,
      Name: 'Umbrella Health - Pilot',
      StageName: 'Closed Lost',
      CloseDate: '2025-11-30',
      Amount: 30000,
      Type: 'New Customer',
    });

    const member = (values: Record<string, unknown>) => create('CampaignMember', values);
    member({ CampaignId: q1, ContactId: sarah, Status: 'Sent' });
    member({ CampaignId: q1, ContactId: emily, Status: 'Responded' });
    member({ CampaignId: q1, LeadId: laura, Status: 'Sent' });
    member({ CampaignId: q1, LeadId: kevin, Status: 'Responded' });
    member({ CampaignId: conference, ContactId: david, Status: 'Responded' });

    create('Task', {
      Subject: 'Inbound call - invoice discrepancy',
      TaskSubtype: 'Call',
      CallType: 'Inbound',
      CallDisposition: 'Connected',
      CallDurationInSeconds: 420,
      Description: 'Customer called about the duplicate Enterprise License charge on the January invoice.',
      WhoId: sarah,
      WhatId: billingCase,
      Status: 'Completed',
      Priority: 'Normal',
      ActivityDate: '2026-01-14',
    });
    create('Task', {
      Subject: 'Send renewal quote',
      WhoId: sarah,
      WhatId: renewal,
      Status: 'Not Started',
      Priority: 'High',
      ActivityDate: '2026-01-20',
      Type: 'Email',
    });
    create(
      'Task',
      {
        Subject: 'Follow up on VPN issue',
        WhoId: michael,
        WhatId: vpn,
        Status: 'In Progress',
        Priority: 'Normal',
        ActivityDate: '2026-01-16',
        OwnerId: agentId,
      },
      agentId,
    );
    create('Task', {
      Subject: 'Outbound call - demo follow-up',
      TaskSubtype: 'Call',
      CallType: 'Outbound',
      CallDisposition: 'Left Voicemail',
      WhoId: kevin,
      Status: 'Completed',
      Priority: 'Low',
      ActivityDate: '2026-01-12',
    });

    create('Event', {
      Subject: 'Callback - discuss renewal options',
      StartDateTime: '2026-02-12T10:00:00.000Z',
      EndDateTime: '2026-02-12T10:30:00.000Z',
      Description: 'Customer requested callback to discuss contract renewal.',
      WhoId: sarah,
      WhatId: renewal,
      Location: 'Phone',
      Type: 'Call',
    });
    create('Event', {
      Subject: 'Quarterly business review',
      StartDateTime: '2026-01-28T15:00:00.000Z',
      DurationInMinutes: 60,
      WhoId: emily,
      WhatId: globex,
      Location: 'Zoom',
      Type: 'Meeting',
    });
    create('Event', {
      Subject: 'Onsite workshop',
      IsAllDayEvent: true,
      ActivityDate: '2026-02-05',
      DurationInMinutes: 1440,
      WhoId: priya,
      WhatId: initech,
      Location: 'Austin office',
      Type: 'Meeting',
    });

    const summary = create('ContentNote', {
      Title: 'Call summary - billing question',
      Content: b64('Customer called about invoice #1234. Issue resolved.'),
    });
    create('ContentDocumentLink', { ContentDocumentId: summary, LinkedEntityId: sarah, ShareType: 'V' });
    create('ContentDocumentLink', {
      ContentDocumentId: summary,
      LinkedEntityId: billingCase,
      ShareType: 'V',
    });
    const negotiation = create('ContentNote', {
      Title: 'Renewal negotiation notes',
      Content: b64(
        '<p>Sarah asked for a 5% multi-year discount.</p><p>Decision expected by end of February.</p>',
      ),
    });
    create('ContentDocumentLink', {
      ContentDocumentId: negotiation,
      LinkedEntityId: renewal,
      ShareType: 'V',
    });
    create('Note', {
      ParentId: acme,
      Title: 'Account background',
      Body: 'Customer since 2019. Key stakeholders: Sarah Johnson (operations), Michael Chen (IT).',
    });

    // Knowledge: a KnowledgeArticle per article and its versions; not createable through the API.
    const article = (number: string, values: Record<string, StoredValue>) => {
      const published = values.PublishStatus === 'Online' ? at().toISOString() : null;
      const articleId = raw(
        'KnowledgeArticle',
        {
          ArticleNumber: number,
          MasterLanguage: 'en_US',
          FirstPublishedDate: published,
          LastPublishedDate: published,
          CaseAssociationCount: 0,
          TotalViewCount: 0,
        },
        adminId,
      );
      return raw(
        'KnowledgeArticleVersion',
        {
          KnowledgeArticleId: articleId,
          ArticleNumber: number,
          Language: 'en_US',
          VersionNumber: 1,
          IsLatestVersion: 1,
          IsVisibleInApp: 1,
          ArticleType: 'Knowledge__kav',
          FirstPublishedDate: published,
          LastPublishedDate: published,
          ...values,
        },
        adminId,
      );
    };
    article('000001234', {
      Title: 'How to resolve billing discrepancies',
      Summary: 'Steps to check and correct invoice amounts, issue credit notes and refund duplicate charges.',
      Answer__c: [
        'When a customer reports a billing discrepancy, compare the invoice with the order and the contract before changing anything.',
        "1. Open the customer's account and find the invoice number they quote.",
        '2. Check each line against the order: quantities, unit prices, discounts and taxes.',
        '3. If the customer was charged twice for the same invoice, confirm both payments in the payment gateway, then refund the duplicate charge to the original payment method. A refund takes 5 to 10 business days to reach the customer.',
        '4. If an amount is wrong, issue a credit note for the difference and send the corrected invoice.',
        '5. Note what you changed on the case, and tell the customer when to expect the refund or the credit.',
      ].join('\n'),
      UrlName: 'how-to-resolve-billing-discrepancies',
      PublishStatus: 'Online',
      IsVisibleInPkb: 1,
      IsVisibleInCsp: 1,
    });
    article('000001235', {
      Title: 'Understanding your invoice and billing cycle',
      Summary: 'What each line of the invoice means and when billing runs each month.',
      Answer__c: [
        'Each invoice lists the subscriptions of the account, one line per product, with the period it covers.',
        'Customers are charged on the first business day of each month for the month ahead; usage above the plan is billed the month after.',
        'Credits and refunds show as negative lines on the next invoice.',
      ].join('\n'),
      UrlName: 'understanding-your-invoice',
      PublishStatus: 'Online',
      IsVisibleInCsp: 1,
    });
    article('000001236', {
      Title: 'Resetting your customer portal password',
      Summary:
        'How customers reset a forgotten portal password, and what to do when the reset e-mail does not arrive.',
      Answer__c: [
        'On the portal sign-in page, choose "Forgot your password?" and enter the e-mail address of the account.',
        'The reset link is valid for 24 hours. When the e-mail does not arrive, check the spam folder, then confirm the address on the contact record.',
      ].join('\n'),
      UrlName: 'resetting-your-portal-password',
      PublishStatus: 'Online',
      IsVisibleInPkb: 1,
    });
    article('000001237', {
      Title: 'Configuring the VPN client',
      Summary: 'Recommended VPN client settings and how to fix hourly disconnects.',
      Answer__c:
        'Use the company profile, split tunnelling off and keep-alive every 30 seconds. Hourly disconnects come from an old client: update it to the current version.',
      UrlName: 'configuring-the-vpn-client',
      PublishStatus: 'Online',
    });
    article('000001238', {
      Title: 'Billing FAQ for partners',
      Summary: 'Draft answers to common partner billing questions.',
      Answer__c:
        'Partners are invoiced quarterly. A refund to an end customer is issued by the partner, not by us.',
      UrlName: 'billing-faq-for-partners',
      PublishStatus: 'Draft',
    });
    article('000001239', {
      Title: 'Installing the legacy connector',
      Summary: 'Setup of the retired on-premise connector.',
      UrlName: 'installing-the-legacy-connector',
      PublishStatus: 'Archived',
      IsLatestVersion: 1,
    });
  });
}
