/** Looking a tenant up by domain, against the Azure emulator's OpenID discovery (as Entra answers it). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import type { RunningEmulator } from "@/emulator/src/server";
import { control, startTestEmulator } from "@/emulator/test/helpers";
import { TenantLookupError, tenantIdForDomain } from "@/lib/azure/tenant-discovery";

let emu: RunningEmulator;
let tenant: SeedResult;
const custom = `northwind${Date.now().toString(36)}.example.com`;

beforeAll(async () => {
  emu = await startTestEmulator();
  tenant = await control(emu).seed({ name: "Northwind", customDomains: [custom] });
});
afterAll(() => emu?.close());

describe("tenantIdForDomain", () => {
  it("finds the tenant of its initial domain and of a verified custom domain", async () => {
    const endpoints = { authorityHost: emu.baseUrl };
    expect(await tenantIdForDomain(tenant.domain, endpoints)).toBe(tenant.tenantId);
    expect(await tenantIdForDomain(custom, endpoints)).toBe(tenant.tenantId);
  });

  it("says when no tenant uses the domain (Entra's AADSTS90002)", async () => {
    const error = await tenantIdForDomain(`nobody-${custom}`, { authorityHost: emu.baseUrl }).catch((e) => e);
    expect(error).toBeInstanceOf(TenantLookupError);
    expect(error.reason).toBe("not-found");
    expect(error.message).toMatch(/No Microsoft Entra tenant uses the domain nobody-/);
  });

  it("says when Entra cannot be reached, and asks for the GUID instead", async () => {
    const error = await tenantIdForDomain(custom, { authorityHost: "https://127.0.0.1:1" }).catch((e) => e);
    expect(error).toBeInstanceOf(TenantLookupError);
    expect(error.reason).toBe("unavailable");
    expect(error.message).toMatch(/Paste the Directory \(tenant\) ID/);
  });

  it("does not trust an answer without a tenant in its issuer", async () => {
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ issuer: "https://login.example/{tenantid}/v2.0" }), {
        status: 200,
      })) as typeof fetch;
    const error = await tenantIdForDomain(
      "contoso.com",
      { authorityHost: "https://login.example" },
      { fetchImpl },
    ).catch((e) => e);
    expect(error.reason).toBe("unavailable");
  });
});
