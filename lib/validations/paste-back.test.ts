import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  checkBillingAccount,
  checkClientId,
  checkPasteBack,
  checkSecret,
  checkTenant,
  pasteFields,
  tenantMismatch,
  type Checked,
} from "@/lib/validations/paste-back";
import { pasteBackFormSchema } from "@/lib/validations/paste-back-form";
import { hostileValue, zodDefaultMessage } from "@/test/support/hostile-input";

const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const client = "1a2b3c4d-1111-2222-3333-444455556666";
const secret = "Xy78Q~abcdefghijklmnopqrstuvwxyz0123456.";
const account = "a1a9c77e-4cec-4a6c-a089-867d973a6074:a80d3b1f-c626-4e5e-82ed-1173bd91c838_2019-05-31";

function message(result: Checked<unknown>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.message;
}

describe("checkTenant", () => {
  it("accepts a tenant ID, lower-cased", () => {
    expect(checkTenant(tenant.toUpperCase())).toEqual({
      ok: true,
      value: { kind: "id", tenantId: tenant },
      notes: [],
    });
  });

  it("takes a domain for looking up, and the domain of a user name", () => {
    expect(checkTenant("Contoso.onmicrosoft.com")).toMatchObject({
      ok: true,
      value: { kind: "domain", domain: "contoso.onmicrosoft.com" },
    });
    expect(checkTenant("contoso.com")).toMatchObject({
      ok: true,
      value: { kind: "domain", domain: "contoso.com" },
    });
    const email = checkTenant("adele@contoso.com");
    expect(email).toMatchObject({ ok: true, value: { kind: "domain", domain: "contoso.com" } });
    expect(email.notes.join(" ")).toMatch(/user name/);
  });

  it("finds the tenant in a sign-in link or a portal link", () => {
    expect(checkTenant(`https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`)).toMatchObject({
      ok: true,
      value: { kind: "id", tenantId: tenant },
    });
    const portal = checkTenant("https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions");
    expect(portal).toMatchObject({ ok: true, value: { kind: "domain", domain: "contoso.onmicrosoft.com" } });
    expect(portal.notes.join(" ")).toMatch(/link/);
    expect(message(checkTenant("https://portal.azure.com/#home"))).toMatch(/web address/);
  });

  it("cleans spaces, quotes (straight and curly) and line breaks, and says so", () => {
    const result = checkTenant(` “${tenant}”\n`);
    expect(result).toMatchObject({ ok: true, value: { kind: "id", tenantId: tenant } });
    expect(result.notes).toEqual(["We removed quotes, line breaks and spaces from what you pasted."]);
    expect(checkTenant(`'${tenant}'`).notes).toEqual(["We removed quotes from what you pasted."]);
    expect(checkTenant(`${tenant.slice(0, 18)}\n${tenant.slice(18)}`)).toMatchObject({ ok: true });
  });

  it("takes the one GUID out of a copied label, unless the label names another ID", () => {
    const labelled = checkTenant(`Directory (tenant) ID\t${tenant}`);
    expect(labelled).toMatchObject({ ok: true, value: { kind: "id", tenantId: tenant } });
    expect(labelled.notes.join(" ")).toMatch(/took the GUID/);
    expect(message(checkTenant(`Application (client) ID ${client}`))).toMatch(/names another ID/);
  });

  it("names the mistake: a tenant's name, an audience, a broken GUID, nothing", () => {
    expect(message(checkTenant("Contoso"))).toMatch(/tenant's name cannot be looked up/);
    expect(message(checkTenant("organizations"))).toMatch(/sign-in audience/);
    expect(message(checkTenant(tenant.slice(0, -1)))).toMatch(/not a complete Directory \(tenant\) ID/);
    expect(message(checkTenant(""))).toMatch(/Paste the Directory \(tenant\) ID/);
    expect(message(checkTenant(undefined))).toMatch(/Paste the Directory \(tenant\) ID/);
    expect(message(checkTenant("x".repeat(5000)))).toMatch(/far too long/);
  });
});

describe("checkClientId", () => {
  it("accepts a GUID, with or without braces", () => {
    expect(checkClientId(client.toUpperCase())).toEqual({ ok: true, value: client, notes: [] });
    expect(checkClientId(`{${client}}`)).toMatchObject({ ok: true, value: client });
    expect(checkClientId(` "${client}" `).notes).toEqual([
      "We removed quotes and spaces from what you pasted.",
    ]);
  });

  it("names the mistake: the app's name, a secret, an Object ID label, a broken GUID", () => {
    expect(message(checkClientId("vantage"))).toMatch(/app's name/);
    expect(message(checkClientId("vantage-test-app"))).toMatch(/app's name/);
    expect(message(checkClientId(secret))).toMatch(/secret's Value, not the Application \(client\) ID/);
    expect(message(checkClientId(`Object ID ${client}`))).toMatch(/Object ID/);
    expect(message(checkClientId(`Secret ID ${client}`))).toMatch(/Secret ID/);
    expect(message(checkClientId(`Directory (tenant) ID ${client}`))).toMatch(/Directory \(tenant\) ID/);
    expect(message(checkClientId(client.replace(/-/g, "").slice(0, 30) + "-ab-cd"))).toMatch(
      /not a complete Application \(client\) ID/,
    );
    expect(message(checkClientId(""))).toMatch(/Paste the Application \(client\) ID/);
    expect(message(checkClientId("<>!?"))).toMatch(/not an Application \(client\) ID/);
  });

  it("takes the GUID out of a copied label", () => {
    const result = checkClientId(`Application (client) ID : ${client}`);
    expect(result).toMatchObject({ ok: true, value: client });
  });
});

describe("checkSecret", () => {
  it("accepts a secret's Value as it is", () => {
    expect(checkSecret(secret)).toEqual({ ok: true, value: secret, notes: [] });
    // Older secrets had other characters; anything printable without spaces is possible.
    expect(checkSecret("a+b/c=d[e]f@g:h*i?jklmnop")).toMatchObject({ ok: true });
  });

  it("cleans quotes, spaces and line breaks around it, and a line break inside it", () => {
    const result = checkSecret(`  ‘${secret}’\r\n`);
    expect(result).toMatchObject({ ok: true, value: secret });
    expect(result.notes).toEqual(["We removed quotes, line breaks and spaces from what you pasted."]);
    expect(checkSecret(`${secret.slice(0, 20)}\n${secret.slice(20)}`)).toMatchObject({
      ok: true,
      value: secret,
    });
  });

  it("keeps only the value of a labelled line from the CLI", () => {
    const result = checkSecret(`  "password": "${secret}",`);
    expect(result).toMatchObject({ ok: true, value: secret });
    expect(result.notes[0]).toMatch(/after its label/);
    expect(checkSecret(`secret=${secret}`)).toMatchObject({ ok: true, value: secret });
  });

  it("recognises the Secret ID (a GUID) and says where the Value is", () => {
    const text = message(checkSecret(client));
    expect(text).toMatch(/Secret ID, not the secret's Value/);
    expect(text).toMatch(/add a new client secret \(step 2\)/);
  });

  it("names the other mistakes", () => {
    expect(message(checkSecret("Xy7**********************"))).toMatch(/hidden form/);
    expect(message(checkSecret(`vantage-secret\t12/1/2027\t${secret}\t${client}`))).toMatch(
      /more than the Value was pasted/,
    );
    expect(message(checkSecret("short~value"))).toMatch(/too short/);
    expect(message(checkSecret("Xy78Q~abcdéfghijklmnopqrstuvwxyz0123456"))).toMatch(
      /characters Azure never puts/,
    );
    expect(message(checkSecret("a".repeat(300)))).toMatch(/far too long|too long/);
    expect(message(checkSecret(""))).toMatch(/Paste the secret's Value/);
  });

  it("never repeats the secret in a message", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 300 }), (value) => {
        const result = checkSecret(value);
        const trimmed = value.trim();
        if (!result.ok && trimmed.length >= 6) {
          expect(result.message).not.toContain(trimmed);
          for (const note of result.notes) expect(note).not.toContain(trimmed);
        }
      }),
    );
  });
});

describe("checkBillingAccount", () => {
  it("accepts an MCA billing account ID", () => {
    expect(checkBillingAccount(account)).toEqual({ ok: true, value: account, notes: [] });
  });

  it("reduces a full ARM id, a management URL or an encoded portal link to the account", () => {
    const profile = checkBillingAccount(
      `/providers/Microsoft.Billing/billingAccounts/${account}/billingProfiles/BKM6-54VH-BG7-PGB/invoiceSections/XXXX-XXXX-XXX-XXX`,
    );
    expect(profile).toMatchObject({ ok: true, value: account });
    expect(profile.notes.join(" ")).toMatch(/billing profile or invoice section/);
    const url = checkBillingAccount(
      `https://management.azure.com/providers/Microsoft.Billing/billingAccounts/${account}?api-version=2024-04-01`,
    );
    expect(url).toMatchObject({ ok: true, value: account });
    expect(url.notes.join(" ")).toMatch(/kept only the billing account's ID/);
    const portal = checkBillingAccount(
      `https://portal.azure.com/#view/Microsoft_Azure_GTM/ModernBillingMenuBlade/~/Properties/billingAccountId/${encodeURIComponent(`/providers/Microsoft.Billing/billingAccounts/${account}`)}`,
    );
    expect(portal).toMatchObject({ ok: true, value: account });
  });

  it("cleans quotes and line breaks, and says so", () => {
    const result = checkBillingAccount(`"${account.slice(0, 40)}\n${account.slice(40)}" `);
    expect(result).toMatchObject({ ok: true, value: account });
    expect(result.notes).toEqual(["We removed quotes, spaces and line breaks from what you pasted."]);
  });

  it("names a billing profile, an invoice section, an EA enrollment, a partner account, a GUID", () => {
    expect(message(checkBillingAccount("BKM6-54VH-BG7-PGB"))).toMatch(
      /billing profile or invoice section ID/,
    );
    expect(message(checkBillingAccount("xxxx-xxxx-xxx-xxx"))).toMatch(
      /billing profile or invoice section ID/,
    );
    expect(message(checkBillingAccount("6575495"))).toMatch(/Enterprise Agreement enrollment number/);
    expect(message(checkBillingAccount("pcn.12345"))).toMatch(/Microsoft Partner Agreement/);
    expect(message(checkBillingAccount(client))).toMatch(/One GUID alone is not a billing account ID/);
    expect(message(checkBillingAccount(account.slice(0, -11)))).toMatch(/looks cut off/);
    expect(message(checkBillingAccount(account.replace("2019-05-31", "2019-13-31")))).toMatch(
      /not a Microsoft/,
    );
    expect(message(checkBillingAccount("Contoso Ltd"))).toMatch(/not a Microsoft Customer Agreement/);
    expect(message(checkBillingAccount(""))).toMatch(/Billing scopes/);
  });
});

describe("checkPasteBack", () => {
  const known = {
    tenantId: tenant,
    tenantName: "Contoso",
    applicationObjectId: null,
    servicePrincipalId: null,
  };
  const good = { tenantId: tenant, clientId: client, clientSecret: secret, billingAccountId: account };

  it("passes four good values", () => {
    const result = checkPasteBack(good, known);
    expect(result.fieldErrors).toEqual({});
    expect(result.values).toEqual({
      tenant: { kind: "id", tenantId: tenant },
      clientId: client,
      clientSecret: secret,
      billingAccountId: account,
    });
    expect(result.cleaned).toEqual({ tenantId: tenant, clientId: client, billingAccountId: account });
    expect(JSON.stringify(result.cleaned)).not.toContain(secret);
  });

  it("refuses another tenant, naming the onboarding's", () => {
    const other = "0b5c1a10-0000-4000-8000-000000000000";
    const result = checkPasteBack({ ...good, tenantId: other }, known);
    expect(result.values).toBeNull();
    expect(result.fieldErrors.tenantId).toMatch(/belongs to the tenant Contoso \(72f988bf/);
    expect(tenantMismatch(tenant.toUpperCase(), known)).toBeNull();
  });

  it("catches IDs pasted into the wrong field", () => {
    expect(checkPasteBack({ ...good, clientId: tenant }, known).fieldErrors.clientId).toMatch(
      /same GUID as the Directory \(tenant\) ID/,
    );
    const sp = "5e5e5e5e-0000-4000-8000-000000000001";
    const app = "a0a0a0a0-0000-4000-8000-000000000002";
    const withIds = { ...known, servicePrincipalId: sp, applicationObjectId: app };
    expect(checkPasteBack({ ...good, clientId: sp }, withIds).fieldErrors.clientId).toMatch(
      /service principal/,
    );
    expect(checkPasteBack({ ...good, clientId: app }, withIds).fieldErrors.clientId).toMatch(
      /app's Object ID/,
    );
    expect(checkPasteBack({ ...good, clientSecret: client }, known).fieldErrors.clientSecret).toMatch(
      /Secret ID/,
    );
  });

  it("keeps a domain for lookup instead of judging it", () => {
    const result = checkPasteBack({ ...good, tenantId: "contoso.com" }, known);
    expect(result.fieldErrors).toEqual({});
    expect(result.values?.tenant).toEqual({ kind: "domain", domain: "contoso.com" });
  });
});

describe("no input makes a validator throw; every refusal says what to do", () => {
  const validators = { checkTenant, checkClientId, checkSecret, checkBillingAccount };
  const anything = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 100 }),
    fc.string({ unit: "binary", maxLength: 100 }),
    fc.string({
      unit: fc.constantFrom(
        "\u0000",
        "\u0007",
        "\u001b",
        "\u200b",
        "\ufeff",
        "\n",
        "\t",
        "“",
        "'",
        "-",
        ":",
        "_",
        "a",
        "0",
        "/",
        "%",
      ),
      maxLength: 80,
    }),
    fc.string({ minLength: 1900, maxLength: 2100 }),
    fc.string({ minLength: 5000, maxLength: 20000 }),
    fc.uuid().map((id) => `  ${id}\r\n`),
    fc
      .tuple(fc.uuid(), fc.uuid(), fc.date({ noInvalidDate: true }))
      .map(([a, b, d]) => `${a}:${b}_${d.toISOString().slice(0, 10)}`),
    fc.anything(),
  );

  for (const [name, validate] of Object.entries(validators)) {
    it(`${name} answers every input with a value or a clear message`, () => {
      fc.assert(
        fc.property(anything, (input) => {
          const result = (validate as (raw: unknown) => Checked<unknown>)(input);
          if (result.ok) {
            expect(result.value).toBeTruthy();
          } else {
            expect(result.message.length).toBeGreaterThan(30);
            expect(result.message).toMatch(/[.)]$/);
          }
          for (const note of result.notes) expect(note).toMatch(/^We /);
        }),
        { numRuns: 300 },
      );
    });
  }

  it("checkPasteBack never throws and never puts the secret in cleaned values or messages", () => {
    fc.assert(
      fc.property(
        fc.record({
          tenantId: anything,
          clientId: anything,
          clientSecret: anything,
          billingAccountId: anything,
        }),
        (input) => {
          const result = checkPasteBack(input, { tenantId: tenant });
          const shown = JSON.stringify([result.cleaned, result.fieldErrors, result.notes]);
          const typedSecret = typeof input.clientSecret === "string" ? input.clientSecret.trim() : "";
          if (typedSecret.length >= 8 && !result.values) expect(shown).not.toContain(typedSecret);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("long input is answered fast (no pathological patterns)", () => {
    const started = performance.now();
    for (const validate of Object.values(validators)) {
      validate(" ".repeat(1999) + "x");
      validate("a@".repeat(999));
      validate("-".repeat(1999));
      validate(`${"a".repeat(63)}.`.repeat(31));
    }
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("the paste-back form's schema", () => {
  it("takes any fields of any type: text through to the checks above, anything else a clear message", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            onboardingId: fc.oneof(hostileValue, fc.constant("cmx2zzlzv0002v07du5007xgz")),
            tenantId: hostileValue,
            clientId: hostileValue,
            clientSecret: hostileValue,
            billingAccountId: hostileValue,
          },
          { requiredKeys: [] },
        ),
        hostileValue,
        (fields, whole) => {
          for (const input of [fields, whole]) {
            const result = pasteBackFormSchema.safeParse(input);
            if (result.success) {
              expect(result.data.onboardingId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
              for (const field of pasteFields) expect(typeof result.data[field]).toBe("string");
            } else {
              for (const issue of result.error.issues) expect(issue.message).not.toMatch(zodDefaultMessage);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
