import { describe, expect, it } from "vitest";

import { classifyAccount } from "@/lib/onboarding/steps/billing-account";

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
