import { describe, expect, it } from "vitest";

import { accessLabel, classifyAccount } from "@/lib/onboardings/steps/billing-account";

const tenant = "aaaaaaaa-0000-0000-0000-000000000001";
const mca = {
  name: "x:y_2019-05-31",
  displayName: "Contoso",
  agreementType: "MicrosoftCustomerAgreement",
  accountStatus: "Active",
  primaryBillingTenantId: tenant,
};

describe("classifyAccount", () => {
  it("accepts an active MCA account of this tenant", () => {
    expect(classifyAccount(mca, tenant)).toMatchObject({ usable: true, reason: null });
  });

  it("explains why other accounts cannot be used", () => {
    expect(classifyAccount({ ...mca, agreementType: "EnterpriseAgreement" }, tenant).reason).toMatch(
      /Enterprise Agreement/,
    );
    expect(
      classifyAccount({ ...mca, agreementType: "MicrosoftOnlineServicesProgram" }, tenant).reason,
    ).toMatch(/only Microsoft Customer Agreement/);
    expect(classifyAccount({ ...mca, accountStatus: "Disabled" }, tenant).reason).toMatch(/disabled/);
    expect(classifyAccount({ ...mca, primaryBillingTenantId: "other" }, tenant).reason).toMatch(
      /another tenant/,
    );
  });
});

describe("how the person sees an account", () => {
  it("names Global Administrator access apart from an own billing role", () => {
    expect(classifyAccount({ ...mca, access: "global-admin" }, tenant).accessLabel).toBe(
      accessLabel("global-admin"),
    );
    expect(accessLabel("global-admin")).toMatch(/no billing role/);
    expect(accessLabel("billing-role")).toMatch(/billing role of your own/);
  });

  it("cannot use an account an Entra role lists without access to it", () => {
    const listed = classifyAccount({ ...mca, access: "global-admin", hasReadAccess: false }, tenant);
    expect(listed.usable).toBe(false);
    expect(listed.reason).toMatch(/Billing account owner or a Global Administrator/);
  });
});
