/**
 * What Vantage does with new Azure credentials: sign in as the app (client credentials at Entra) and
 * read the billing accounts at ARM. Over HTTPS like any client; the Azure emulator's CA comes from
 * NODE_EXTRA_CA_CERTS. Reasons never contain the password.
 */
export interface AzureEndpoints {
  /** Entra's base: the token endpoint is <authorityHost>/<tenant>/oauth2/v2.0/token. */
  authorityHost: string;
  /** ARM's base, e.g. https://management.azure.com or https://127.0.0.1:8443/arm. */
  armBase: string;
}

export type CheckResult =
  { ok: true; billingAccounts: string[] } | { ok: false; transient: boolean; reason: string };

export interface Credentials {
  tenant: string;
  appId: string;
  password: string;
}

const ARM_SCOPE = "https://management.azure.com/.default";

/** Entra's descriptions run on with trace ids and timestamps: the first sentence says it. */
function firstLine(text: string): string {
  return text
    .split(/\r?\n|\s+Trace ID:/)[0]!
    .trim()
    .slice(0, 300);
}

async function readJson(res: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await res.json();
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const transientStatus = (status: number) => status === 429 || status >= 500;

async function signIn(azure: AzureEndpoints, creds: Credentials, signal: AbortSignal) {
  const url = `${azure.authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(creds.tenant)}/oauth2/v2.0/token`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: creds.appId,
      client_secret: creds.password,
      scope: ARM_SCOPE,
    }),
    signal,
  });
  const body = await readJson(res);
  if (res.ok && typeof body.access_token === "string") return { ok: true as const, token: body.access_token };
  const description = typeof body.error_description === "string" ? firstLine(body.error_description) : "";
  const code = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
  return {
    ok: false as const,
    transient: transientStatus(res.status),
    reason: `Azure AD did not accept the app's credentials (${code})${description ? `: ${description}` : "."}`,
  };
}

async function billingAccounts(
  azure: AzureEndpoints,
  token: string,
  signal: AbortSignal,
): Promise<CheckResult> {
  const url = `${azure.armBase.replace(/\/+$/, "")}/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  const body = await readJson(res);
  if (!res.ok) {
    const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
    const detail = [error.code, error.message].filter((x) => typeof x === "string").join(": ");
    return {
      ok: false,
      transient: transientStatus(res.status),
      reason: `Azure refused to list the billing accounts (HTTP ${res.status})${detail ? `: ${detail}` : "."}`,
    };
  }
  const names = Array.isArray(body.value)
    ? body.value.map((a: { name?: unknown }) => (typeof a?.name === "string" ? a.name : "")).filter(Boolean)
    : [];
  if (names.length === 0)
    return {
      ok: false,
      transient: false,
      reason:
        "The app signed in but can read no billing account: give its service principal the Billing account reader role on the billing account.",
    };
  return { ok: true, billingAccounts: names };
}

export async function checkAzureCredentials(
  azure: AzureEndpoints,
  creds: Credentials,
  timeoutMs = 15_000,
): Promise<CheckResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const signedIn = await signIn(azure, creds, signal);
    if (!signedIn.ok) return signedIn;
    return await billingAccounts(azure, signedIn.token, signal);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return { ok: false, transient: true, reason: `Could not reach Azure (${why}).` };
  }
}
