import { describe, expect, it } from "vitest";

import {
  credentialsWerePasted,
  patienceFor,
  verificationFailure,
  waitingReason,
} from "@/lib/onboardings/steps/verify";

const values = {
  pasted: true,
  clientId: "1a2b3c4d-1111-2222-3333-444455556666",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  billingAccountName: "a:b_2019-05-31",
};
const secretRefused = {
  kind: "consistency",
  code: "AADSTS7000215",
  message: "AADSTS7000215: Invalid client secret",
} as const;
const appUnknown = { kind: "consistency", code: "AADSTS700016", message: "AADSTS700016: not found" } as const;
const noRead = { kind: "permission", status: 403, code: "AuthorizationFailed", message: "no" } as const;
const noAccount = { kind: "input", status: 404, code: "BillingAccountNotFound", message: "missing" } as const;
const expired = { kind: "consistency", code: "AADSTS7000222", message: "expired" } as const;

describe("verification of pasted credentials", () => {
  it("knows a pasted secret: held, but no keyId from Azure", () => {
    expect(credentialsWerePasted({ secretCiphertext: "x", secretKeyId: null })).toBe(true);
    expect(credentialsWerePasted({ secretCiphertext: "x", secretKeyId: "k" })).toBe(false);
    expect(credentialsWerePasted({ secretCiphertext: null, secretKeyId: null })).toBe(false);
  });

  it("waits briefly for a pasted secret, a few minutes for an app or a role, not at all for a wrong account", () => {
    expect(patienceFor(secretRefused, true)).toBe(30_000);
    expect(patienceFor(appUnknown, true)).toBe(120_000);
    expect(patienceFor(noRead, true)).toBe(300_000);
    expect(patienceFor(noAccount, true)).toBe(0);
    expect(patienceFor(expired, true)).toBe(0);
    expect(patienceFor({ kind: "transient" }, true)).toBe(Number.POSITIVE_INFINITY);
    // A secret Azure made for us keeps the full propagation time.
    expect(patienceFor(secretRefused, false)).toBe(15 * 60_000);
    expect(patienceFor(noAccount, false)).toBe(0);
  });

  it("maps each failure to the step to redo, in words", () => {
    expect(verificationFailure(secretRefused, values)).toMatchObject({
      redo: "client-secret",
      resolution: "redo-client-secret",
      action: expect.stringMatching(/most likely the Secret ID.*copy its Value \(not the Secret ID\)/),
    });
    expect(verificationFailure(expired, values)).toMatchObject({
      redo: "client-secret",
      message: expect.stringMatching(/expired/),
    });
    expect(verificationFailure(appUnknown, values)).toMatchObject({
      redo: "app-registration",
      message: expect.stringMatching(
        /no app with the Application \(client\) ID 1a2b3c4d.* in the tenant 72f988bf/,
      ),
    });
    expect(verificationFailure(noRead, values)).toMatchObject({
      redo: "role-assignment",
      action: expect.stringMatching(/Billing account reader.*a few minutes/),
    });
    expect(verificationFailure(noAccount, values)).toMatchObject({
      redo: "billing-account",
      message: "No billing account with the ID a:b_2019-05-31 was found.",
    });
    expect(verificationFailure({ kind: "fatal", message: "Boom" }, values)).toMatchObject({
      redo: null,
      message: "Boom",
    });
    expect(verificationFailure(secretRefused, { ...values, pasted: false }).action).toMatch(
      /make a new secret/,
    );
  });

  it("says what Azure still refuses while it waits, and until when", () => {
    const until = new Date("2026-11-30T10:42:00Z");
    expect(waitingReason(secretRefused, until)).toMatch(/does not accept the secret yet.*10:42 UTC/);
    expect(waitingReason(appUnknown, until)).toMatch(/does not know the app/);
    expect(waitingReason(noRead, until)).toMatch(
      /Billing account reader role can take a few minutes.*10:42 UTC/,
    );
  });
});
