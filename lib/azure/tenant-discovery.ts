/**
 * A tenant's ID from one of its domains (contoso.onmicrosoft.com, or a verified custom domain such as
 * contoso.com), the way Entra resolves it: the authority's OpenID discovery document for that domain
 * names the tenant in its issuer (`<authorityHost>/<tenant id>/v2.0`). An unknown domain answers 400
 * `invalid_tenant` (AADSTS90002). Only the authority host comes from configuration, so this works for
 * public Azure, sovereign clouds and the emulator alike.
 */
import type { AzureEndpoints } from "@/lib/azure/endpoints";

export class TenantLookupError extends Error {
  constructor(
    readonly reason: "not-found" | "unavailable",
    message: string,
  ) {
    super(message);
    this.name = "TenantLookupError";
  }
}

const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Resolves a domain to its tenant ID; throws TenantLookupError saying whether the domain is unknown. */
export async function tenantIdForDomain(
  domain: string,
  endpoints: Pick<AzureEndpoints, "authorityHost">,
  options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<string> {
  const url = `${endpoints.authorityHost}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? 8_000),
      cache: "no-store",
    });
  } catch {
    throw new TenantLookupError(
      "unavailable",
      `We could not reach Microsoft Entra to look up ${domain}. Paste the Directory (tenant) ID (a GUID) instead, or try again.`,
    );
  }
  const body = (await response.json().catch(() => null)) as {
    issuer?: unknown;
    error?: unknown;
    error_codes?: unknown;
  } | null;
  if (response.ok && typeof body?.issuer === "string") {
    const path = (() => {
      try {
        return new URL(body.issuer).pathname;
      } catch {
        return "";
      }
    })();
    const tenantId = guid.exec(path)?.[0];
    if (tenantId) return tenantId.toLowerCase();
  }
  const codes = Array.isArray(body?.error_codes) ? body.error_codes : [];
  if (body?.error === "invalid_tenant" || codes.includes(90002)) {
    throw new TenantLookupError(
      "not-found",
      `No Microsoft Entra tenant uses the domain ${domain}. Check the spelling, or paste the Directory (tenant) ID from the app's Overview page.`,
    );
  }
  throw new TenantLookupError(
    "unavailable",
    `Microsoft Entra did not name a tenant for ${domain}. Paste the Directory (tenant) ID (a GUID) instead.`,
  );
}
