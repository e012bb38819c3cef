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

/** Enterprise Agreement roles (assignable with PUT on EA accounts only). */
export const EA_ROLE_DEFINITIONS: BillingRoleDefinition[] = [
  {
    name: "9f1983cb-2574-400c-87e9-34cf8e2280db",
    roleName: "EnrollmentAdministrator",
    description: "Enterprise administrator of the enrollment.",
    actions: [],
  },
  {
    name: "24f8edb6-1668-4659-b5e2-40bb5f3a7d7e",
    roleName: "EnrollmentReader",
    description: "Read-only access to the enrollment.",
    actions: [],
  },
  {
    name: "db609904-a47f-4794-9be8-9bd86fbffd8a",
    roleName: "DepartmentReader",
    description: "Read-only access to departments.",
    actions: [],
  },
  {
    name: "a0bcee42-bf30-4d1b-926a-48d21664ef71",
    roleName: "SubscriptionCreator",
    description: "Can create subscriptions.",
    actions: [],
  },
];
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
  enrollmentreader: "24f8edb6-1668-4659-b5e2-40bb5f3a7d7e",
};

export function isEa(agreementType: string): boolean {
  return agreementType === "EnterpriseAgreement";
}

export function definitionsFor(agreementType: string): BillingRoleDefinition[] {
  return isEa(agreementType) ? EA_ROLE_DEFINITIONS : MCA_ROLE_DEFINITIONS;
}
