/**
 * Billing role definitions at MCA billing-account scope, as Microsoft's 2024-04-01 example lists them (the
 * owner entry has no description there). Action ids are GUIDs, as billingPermissions returns them.
 */

export interface BillingRoleDefinition {
  name: string;
  roleName: string;
  description?: string;
  actions: string[];
}

export const MCA_ROLE_DEFINITIONS: BillingRoleDefinition[] = [
  {
    name: "50000000-aaaa-bbbb-cccc-100000000000",
    roleName: "Billing account owner",
    actions: [
      "50000000-aaaa-bbbb-cccc-200000000000",
      "50000000-aaaa-bbbb-cccc-200000000001",
      "50000000-aaaa-bbbb-cccc-200000000002",
      "50000000-aaaa-bbbb-cccc-200000000003",
      "50000000-aaaa-bbbb-cccc-200000000004",
      "50000000-aaaa-bbbb-cccc-200000000006",
      "50000000-aaaa-bbbb-cccc-200000000007",
      "50000000-aaaa-bbbb-cccc-200000000008",
      "10000000-aaaa-bbbb-cccc-200000000001",
      "10000000-aaaa-bbbb-cccc-200000000002",
      "10000000-aaaa-bbbb-cccc-200000000003",
      "10000000-aaaa-bbbb-cccc-200000000006",
      "10000000-aaaa-bbbb-cccc-200000000007",
      "50000000-aaaa-bbbb-cccc-200000000005",
      "30000000-aaaa-bbbb-cccc-200000000000",
      "30000000-aaaa-bbbb-cccc-200000000001",
      "30000000-aaaa-bbbb-cccc-200000000004",
      "30000000-aaaa-bbbb-cccc-200000000007",
      "30000000-aaaa-bbbb-cccc-200000000009",
      "30000000-aaaa-bbbb-cccc-200000000010",
      "30000000-aaaa-bbbb-cccc-200000000015",
      "30000000-aaaa-bbbb-cccc-200000000017",
      "30000000-aaaa-bbbb-cccc-200000000018",
      "40000000-aaaa-bbbb-cccc-200000000000",
      "40000000-aaaa-bbbb-cccc-200000000006",
      "40000000-aaaa-bbbb-cccc-200000000007",
      "40000000-aaaa-bbbb-cccc-200000000008",
      "40000000-aaaa-bbbb-cccc-200000000012",
      "40000000-aaaa-bbbb-cccc-200000000013",
      "40000000-aaaa-bbbb-cccc-200000000004",
      "40000000-aaaa-bbbb-cccc-200000000001",
      "40000000-aaaa-bbbb-cccc-200000000005",
      "40000000-aaaa-bbbb-cccc-200000000002",
      "40000000-aaaa-bbbb-cccc-200000000003",
      "40000000-aaaa-bbbb-cccc-200000000011",
      "30000000-aaaa-bbbb-cccc-200000000013",
      "30000000-aaaa-bbbb-cccc-200000000011",
      "30000000-aaaa-bbbb-cccc-200000000006",
      "30000000-aaaa-bbbb-cccc-200000000003",
      "30000000-aaaa-bbbb-cccc-200000000005",
      "30000000-aaaa-bbbb-cccc-200000000012",
      "30000000-aaaa-bbbb-cccc-200000000008",
      "30000000-aaaa-bbbb-cccc-200000000016",
    ],
  },
  {
    name: "50000000-aaaa-bbbb-cccc-100000000001",
    roleName: "Billing account contributor",
    description:
      "The Contributor role gives the user all permissions except access management on the organization.",
    actions: [
      "50000000-aaaa-bbbb-cccc-200000000001",
      "50000000-aaaa-bbbb-cccc-200000000002",
      "50000000-aaaa-bbbb-cccc-200000000003",
      "50000000-aaaa-bbbb-cccc-200000000004",
      "50000000-aaaa-bbbb-cccc-200000000006",
      "50000000-aaaa-bbbb-cccc-200000000007",
      "50000000-aaaa-bbbb-cccc-200000000008",
      "10000000-aaaa-bbbb-cccc-200000000001",
      "10000000-aaaa-bbbb-cccc-200000000002",
      "10000000-aaaa-bbbb-cccc-200000000003",
      "10000000-aaaa-bbbb-cccc-200000000006",
      "10000000-aaaa-bbbb-cccc-200000000007",
      "50000000-aaaa-bbbb-cccc-200000000005",
      "30000000-aaaa-bbbb-cccc-200000000001",
      "30000000-aaaa-bbbb-cccc-200000000004",
      "30000000-aaaa-bbbb-cccc-200000000007",
      "30000000-aaaa-bbbb-cccc-200000000009",
      "30000000-aaaa-bbbb-cccc-200000000010",
      "30000000-aaaa-bbbb-cccc-200000000015",
      "30000000-aaaa-bbbb-cccc-200000000017",
      "30000000-aaaa-bbbb-cccc-200000000018",
      "40000000-aaaa-bbbb-cccc-200000000006",
      "40000000-aaaa-bbbb-cccc-200000000007",
      "40000000-aaaa-bbbb-cccc-200000000008",
      "40000000-aaaa-bbbb-cccc-200000000012",
      "40000000-aaaa-bbbb-cccc-200000000013",
      "40000000-aaaa-bbbb-cccc-200000000004",
      "40000000-aaaa-bbbb-cccc-200000000001",
      "40000000-aaaa-bbbb-cccc-200000000005",
      "40000000-aaaa-bbbb-cccc-200000000002",
      "40000000-aaaa-bbbb-cccc-200000000003",
      "40000000-aaaa-bbbb-cccc-200000000011",
      "30000000-aaaa-bbbb-cccc-200000000013",
      "30000000-aaaa-bbbb-cccc-200000000011",
      "30000000-aaaa-bbbb-cccc-200000000006",
      "30000000-aaaa-bbbb-cccc-200000000003",
      "30000000-aaaa-bbbb-cccc-200000000005",
      "30000000-aaaa-bbbb-cccc-200000000012",
      "30000000-aaaa-bbbb-cccc-200000000008",
      "30000000-aaaa-bbbb-cccc-200000000016",
    ],
  },
  {
    name: "50000000-aaaa-bbbb-cccc-100000000002",
    roleName: "Billing account reader",
    description: "The Reader role gives the user read permissions to an organization.",
    actions: [
      "50000000-aaaa-bbbb-cccc-200000000001",
      "50000000-aaaa-bbbb-cccc-200000000006",
      "50000000-aaaa-bbbb-cccc-200000000007",
      "10000000-aaaa-bbbb-cccc-200000000003",
      "50000000-aaaa-bbbb-cccc-200000000005",
      "30000000-aaaa-bbbb-cccc-200000000001",
      "30000000-aaaa-bbbb-cccc-200000000004",
      "30000000-aaaa-bbbb-cccc-200000000007",
      "30000000-aaaa-bbbb-cccc-200000000010",
      "30000000-aaaa-bbbb-cccc-200000000015",
      "30000000-aaaa-bbbb-cccc-200000000017",
      "40000000-aaaa-bbbb-cccc-200000000006",
      "40000000-aaaa-bbbb-cccc-200000000007",
      "40000000-aaaa-bbbb-cccc-200000000008",
      "40000000-aaaa-bbbb-cccc-200000000012",
    ],
  },
  {
    name: "50000000-aaaa-bbbb-cccc-100000000003",
    roleName: "Basic Purchaser",
    description:
      "The Purchaser role gives the user permissions to make purchases by creating new Projects and Billing Groups in an organization.",
    actions: [
      "10000000-aaaa-bbbb-cccc-200000000006",
      "10000000-aaaa-bbbb-cccc-200000000007",
      "50000000-aaaa-bbbb-cccc-200000000001",
      "50000000-aaaa-bbbb-cccc-200000000006",
    ],
  },
];

export const OWNER = "50000000-aaaa-bbbb-cccc-100000000000";
export const CONTRIBUTOR = "50000000-aaaa-bbbb-cccc-100000000001";
export const READER = "50000000-aaaa-bbbb-cccc-100000000002";
export const PURCHASER = "50000000-aaaa-bbbb-cccc-100000000003";

/**
 * Enterprise Agreement roles at enrollment (billing account) scope, by the ids Microsoft documents
 * (assign-roles-azure-service-principals, "Roles across Microsoft services"). Department roles
 * (Department Admin, DepartmentReader) live at department scope and SubscriptionCreator at enrollment
 * account scope, so they are not listed here. EA permissions are named actions, as the 2019-10-01-preview
 * billingPermissions example shows; which one marks "may assign roles" is UNVERIFIED (here: the
 * billingRoleAssignments write action, held by Enterprise Administrators only).
 */
const EA_READ_ACTIONS = [
  "Microsoft.Billing/billingAccounts/read",
  "Microsoft.Billing/billingAccounts/departments/read",
  "Microsoft.Billing/billingAccounts/enrollmentAccounts/read",
  "Microsoft.Billing/billingAccounts/billingRoleAssignments/read",
  "Microsoft.Billing/billingAccounts/billingRoleDefinitions/read",
  "Microsoft.CostManagement/query/read",
];
export const EA_ROLE_DEFINITIONS: BillingRoleDefinition[] = [
  {
    name: "9f1983cb-2574-400c-87e9-34cf8e2280db",
    roleName: "EnrollmentAdministrator",
    description: "Enterprise administrator of the enrollment.",
    actions: [
      ...EA_READ_ACTIONS,
      "Microsoft.Billing/billingAccounts/write",
      "Microsoft.Billing/billingAccounts/departments/write",
      "Microsoft.Billing/billingAccounts/enrollmentAccounts/write",
      "Microsoft.Billing/billingAccounts/billingRoleAssignments/write",
      "Microsoft.Billing/billingAccounts/billingRoleAssignments/delete",
    ],
  },
  {
    name: "24f8edb6-1668-4659-b5e2-40bb5f3a7d7e",
    roleName: "EnrollmentReader",
    description: "Enterprise administrator (read only): read access to the enrollment and its charges.",
    actions: EA_READ_ACTIONS,
  },
  {
    name: "da6647fb-7651-49ee-be91-c43c4877f0c4",
    roleName: "EA purchaser",
    description: "Can purchase reservations and savings plans for the enrollment.",
    actions: [...EA_READ_ACTIONS, "Microsoft.Billing/billingAccounts/purchase/action"],
  },
];
export const EA_READER = "24f8edb6-1668-4659-b5e2-40bb5f3a7d7e";
export const EA_ADMIN = "9f1983cb-2574-400c-87e9-34cf8e2280db";

export const ROLE_ALIASES: Record<string, string> = {
  owner: OWNER,
  contributor: CONTRIBUTOR,
  reader: READER,
  purchaser: PURCHASER,
  "billing account owner": OWNER,
  "billing account contributor": CONTRIBUTOR,
  "billing account reader": READER,
  "basic purchaser": PURCHASER,
  enrollmentadministrator: EA_ADMIN,
  "enterprise administrator": EA_ADMIN,
  enterpriseadministrator: EA_ADMIN,
  enrollmentreader: EA_READER,
  "ea purchaser": "da6647fb-7651-49ee-be91-c43c4877f0c4",
};

export function isEa(agreementType: string): boolean {
  return agreementType === "EnterpriseAgreement";
}

export function definitionsFor(agreementType: string): BillingRoleDefinition[] {
  return isEa(agreementType) ? EA_ROLE_DEFINITIONS : MCA_ROLE_DEFINITIONS;
}
