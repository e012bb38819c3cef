/** Entra's error answers: the token endpoint's JSON body and the sign-in error page. */
import { escapeHtml, header, send, sendHtml, type Ctx } from "../http";
import type { World } from "../world";
import { page } from "./pages";

function stamp(): string {
  // Entra writes "2024-07-17 14:42:13Z" in descriptions and the timestamp field.
  return new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

export function correlationId(ctx: Ctx): string {
  return header(ctx, "client-request-id") ?? ctx.requestId;
}

export function describeWithTrace(ctx: Ctx, description: string): { text: string; timestamp: string } {
  const timestamp = stamp();
  return {
    text: `${description} Trace ID: ${ctx.requestId} Correlation ID: ${correlationId(ctx)} Timestamp: ${timestamp}`,
    timestamp,
  };
}

/**
 * Token endpoint error: 401 for invalid_client, 400 otherwise, as Entra answers. A suberror (for example
 * consent_required) is what makes MSAL raise InteractionRequiredAuthError instead of a plain ServerError.
 */
export function tokenError(
  world: World,
  ctx: Ctx,
  error: string,
  code: number,
  description: string,
  status?: number,
  suberror?: string,
): void {
  const { text, timestamp } = describeWithTrace(ctx, `AADSTS${code}: ${description}`);
  send(
    ctx,
    status ?? (error === "invalid_client" ? 401 : 400),
    {
      error,
      error_description: text,
      error_codes: [code],
      timestamp,
      trace_id: ctx.requestId,
      correlation_id: correlationId(ctx),
      error_uri: `${world.baseUrl}/error?code=${code}`,
      ...(suberror ? { suberror } : {}),
    },
    "application/json; charset=utf-8",
    { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" },
  );
}

/** The "Sorry, but we're having trouble signing you in" page: no redirect to the client. */
export function errorPage(ctx: Ctx, code: number, description: string, status = 400): void {
  const { timestamp } = describeWithTrace(ctx, "");
  sendHtml(
    ctx,
    status,
    page(
      "Sign in to your account",
      `<h1>Sign in</h1>
<p>Sorry, but we’re having trouble signing you in.</p>
<p role="alert"><strong>AADSTS${code}:</strong> ${escapeHtml(description)}</p>
<details open><summary>Troubleshooting details</summary>
<dl><dt>Request Id</dt><dd>${ctx.requestId}</dd><dt>Correlation Id</dt><dd>${escapeHtml(correlationId(ctx))}</dd><dt>Timestamp</dt><dd>${timestamp}</dd></dl></details>`,
    ),
  );
}
