/** Azure RBAC built-in role definitions the emulator knows (names, GUIDs and actions as Azure lists them). */

export interface BuiltInRole {
  guid: string;
  roleName: string;
  description: string;
  actions: string[];
  notActions?: string[];
}

export const BUILT_IN_ROLES: BuiltInRole[] = [
  {
    guid: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    roleName: "Owner",
    description:
      "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    actions: ["*"],
  },
  {
    guid: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    roleName: "Contributor",
    description:
      "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
    actions: ["*"],
    notActions: [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
    ],
  },
  {
    guid: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    actions: ["*/read"],
  },
  {
    guid: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    roleName: "User Access Administrator",
    description: "Lets you manage user access to Azure resources.",
    actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
  },
  {
    guid: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    roleName: "Role Based Access Control Administrator",
    description:
      "Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.",
    actions: [
      "Microsoft.Authorization/roleAssignments/write",
      "Microsoft.Authorization/roleAssignments/delete",
      "*/read",
      "Microsoft.Support/*",
    ],
  },
  {
    guid: "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    roleName: "Monitoring Reader",
    description: "Can read all monitoring data.",
    actions: ["*/read", "Microsoft.OperationalInsights/workspaces/search/action", "Microsoft.Support/*"],
  },
  {
    guid: "72fafb9e-0641-4937-9268-a91bfd8191a3",
    roleName: "Cost Management Reader",
    description: "Can view cost data and configuration (e.g. budgets, exports)",
    actions: [
      "Microsoft.Consumption/*/read",
      "Microsoft.CostManagement/*/read",
      "Microsoft.Billing/billingPeriods/read",
      "Microsoft.Resources/subscriptions/read",
    ],
  },
  {
    guid: "434105ed-43f6-45c7-a02f-909b2ba83430",
    roleName: "Cost Management Contributor",
    description: "Can view costs and manage cost configuration (e.g. budgets, exports)",
    actions: [
      "Microsoft.Consumption/*",
      "Microsoft.CostManagement/*",
      "Microsoft.Billing/billingPeriods/read",
      "Microsoft.Resources/subscriptions/read",
    ],
  },
  {
    guid: "fa23ad8b-c56e-40d8-ac0c-ce449e1d2c64",
    roleName: "Billing Reader",
    description: "Allows read access to billing data",
    actions: [
      "Microsoft.Authorization/*/read",
      "Microsoft.Billing/*/read",
      "Microsoft.Commerce/*/read",
      "Microsoft.Consumption/*/read",
      "Microsoft.Management/managementGroups/read",
      "Microsoft.CostManagement/*/read",
      "Microsoft.Support/*",
    ],
  },
];

export function builtInRole(nameOrGuid: string): BuiltInRole | undefined {
  const v = nameOrGuid.toLowerCase();
  return BUILT_IN_ROLES.find((r) => r.guid === v || r.roleName.toLowerCase() === v);
}
