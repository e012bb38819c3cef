/**
 * The "contoso" preset: the demo tenant and the users that show each path (the whole flow alone, the
 * handoff to a billing account owner, a Global Administrator without a billing role, no billing role).
 */
import { stableGuid } from "./ids";
import type { ScenarioSpec } from "./scenario-spec";

export function contosoSpec(fixedIds: boolean): ScenarioSpec {
  return {
    name: "Contoso",
    fixedIds,
    tenantId: fixedIds ? stableGuid("emulator/contoso/tenant") : undefined,
    domain: fixedIds ? "contoso.onmicrosoft.com" : undefined,
    users: [
      {
        key: "admin",
        displayName: "Adele Vance",
        userPrincipalName: "adele",
        roles: ["Global Administrator"],
        jobTitle: "IT Administrator",
      },
      {
        key: "appAdmin",
        displayName: "Alex Wilber",
        userPrincipalName: "alex",
        roles: ["Application Administrator"],
        jobTitle: "Cloud Engineer",
      },
      {
        key: "billingOwner",
        displayName: "Megan Bowen",
        userPrincipalName: "megan",
        roles: [],
        jobTitle: "Finance Manager",
      },
      {
        key: "noBilling",
        displayName: "Lee Gu",
        userPrincipalName: "lee",
        roles: ["Application Administrator"],
        jobTitle: "Developer",
      },
      // No billing role: sees the MCA account only by listing with includeAll, and may assign its roles.
      {
        key: "globalAdmin",
        displayName: "Patti Fernandez",
        userPrincipalName: "patti",
        roles: ["Global Administrator"],
        jobTitle: "Director of IT",
      },
      // No Azure role at all: the portal's operator in the demo (OPERATORS names her), who makes the cost
      // platform's API keys and webhooks. Being an operator is the deployment's choice, not Azure's.
      {
        key: "operator",
        displayName: "Nestor Wilke",
        userPrincipalName: "nestor",
        roles: [],
        jobTitle: "Cost Platform Operator",
      },
      // The Enterprise Administrator of the EA enrollment (may give the app EnrollmentReader), with no
      // directory role: preflight names him for the EA role step.
      {
        key: "eaAdmin",
        displayName: "Isaiah Langer",
        userPrincipalName: "isaiah",
        roles: [],
        jobTitle: "Enterprise Agreement Administrator",
      },
      // Owner of the Contoso management group, so of both subscriptions under it (may assign Azure RBAC
      // roles there), with no directory or billing role.
      {
        key: "subscriptionOwner",
        displayName: "Diego Siciliani",
        userPrincipalName: "diego",
        roles: [],
        jobTitle: "Platform Engineering Lead",
      },
    ],
    // Regular users may not register apps, so Megan (billing owner) cannot do the app steps herself.
    authorizationPolicy: { allowedToCreateApps: false },
    billingAccounts: [
      {
        key: "mca",
        name: fixedIds
          ? `${stableGuid("emulator/contoso/mca-a")}:${stableGuid("emulator/contoso/mca-b")}_2019-05-31`
          : undefined,
        displayName: "Contoso Ltd",
        agreementType: "MicrosoftCustomerAgreement",
        // Alex reads billing (so he sees the account at step 3) but may not assign roles (step 4).
        roleAssignments: [
          { user: "admin", role: "owner" },
          { user: "billingOwner", role: "owner" },
          { user: "appAdmin", role: "reader" },
        ],
        costs: { currency: "USD", days: 62, dailyAverage: 312.4 },
      },
      {
        key: "ea",
        name: fixedIds ? "74960543" : undefined,
        displayName: "Contoso Enterprise Enrollment",
        agreementType: "EnterpriseAgreement",
        roleAssignments: [
          { user: "admin", role: "EnrollmentReader" },
          { user: "eaAdmin", role: "EnterpriseAdministrator" },
        ],
        costs: { currency: "USD", days: 62, dailyAverage: 148.6, subscription: "development" },
        departments: [
          { name: fixedIds ? "1100" : undefined, departmentName: "Engineering", costCenter: "CC-100" },
          { name: fixedIds ? "1200" : undefined, departmentName: "Finance", costCenter: "CC-200" },
        ],
        enrollmentAccounts: [
          {
            name: fixedIds ? "210451" : undefined,
            accountName: "isaiah@contoso.onmicrosoft.com",
            costCenter: "CC-100",
            department: "Engineering",
          },
        ],
      },
    ],
    subscriptions: [
      {
        key: "production",
        id: fixedIds ? stableGuid("emulator/contoso/subscription") : undefined,
        displayName: "Contoso Production",
        roleAssignments: [{ user: "admin", role: "Owner" }],
      },
      {
        key: "development",
        id: fixedIds ? stableGuid("emulator/contoso/subscription-development") : undefined,
        displayName: "Contoso Development",
      },
    ],
    // Both subscriptions sit under one management group, whose Owner (Diego) may assign roles at it.
    managementGroups: [
      {
        name: "contoso",
        displayName: "Contoso",
        subscriptions: ["production", "development"],
        roleAssignments: [{ user: "subscriptionOwner", role: "Owner" }],
      },
    ],
  };
}
