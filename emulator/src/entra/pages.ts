/**
 * HTML for the sign-in experience. Plain forms (no script needed) with labelled buttons, so Playwright
 * and fetch-driven tests can click "by role and name" like a person would.
 */
import { escapeHtml } from "../http";
import type { Tenant, User } from "../store";

const STYLE = `
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
.banner{background:#5c2d91;color:#fff;padding:.5rem 1rem;font-size:.875rem}
main{max-width:440px;margin:2.5rem auto;background:#fff;padding:2.25rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:.25rem 0 1rem}
ul.accounts{list-style:none;padding:0;margin:0}
ul.accounts li{margin:0 0 .25rem}
ul.accounts button{display:block;width:100%;text-align:left;background:none;border:0;border-bottom:1px solid #e6e6e6;padding:.75rem .5rem;cursor:pointer;font:inherit}
ul.accounts button:hover,ul.accounts button:focus{background:#e6e6e6;outline:2px solid #0067b8}
.name{display:block;font-weight:600}.upn{display:block;color:#505050;font-size:.875rem}
.tenant{color:#505050;font-size:.8125rem;margin-top:1.5rem}
.actions{display:flex;gap:.5rem;justify-content:flex-end;margin-top:1.5rem}
.actions button{min-width:108px;padding:.4rem 1rem;font:inherit;border:1px solid #8a8886;background:#fff;cursor:pointer}
.actions button.primary{background:#0067b8;color:#fff;border-color:#0067b8}
.perm{margin:.5rem 0}.perm small{color:#505050;display:block}
.admin{color:#a4262c;font-size:.8125rem}
dl{font-size:.8125rem}dt{font-weight:600}dd{margin:0 0 .5rem}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><div class="banner" role="note">Simulated Azure: this is the MCA Connect emulator, not Microsoft. No real account or password is used.</div>
<main>${body}</main></body></html>`;
}

export function accountPicker(opts: {
  action: string;
  flowId: string;
  clientName: string;
  groups: { tenant: Tenant; users: User[] }[];
  /** The application asked for a new authentication (prompt=login or max_age): say so. */
  signInAgain?: boolean;
}): string {
  const groups = opts.groups
    .filter((g) => g.users.length > 0)
    .map(
      (g) => `<section aria-label="${escapeHtml(g.tenant.displayName)} accounts">
${opts.groups.length > 1 ? `<h2 class="tenant">${escapeHtml(g.tenant.displayName)} (${escapeHtml(g.tenant.domain)})</h2>` : ""}
<ul class="accounts">${g.users
        .map(
          (u) =>
            `<li><button type="submit" name="user" value="${u.id}"><span class="name">${escapeHtml(u.displayName)}</span> <span class="upn">${escapeHtml(u.userPrincipalName)}</span></button></li>`,
        )
        .join("\n")}</ul></section>`,
    )
    .join("\n");
  const tenantLine =
    opts.groups.length === 1 && opts.groups[0]
      ? `<p class="tenant">Organization: ${escapeHtml(opts.groups[0].tenant.displayName)} (${escapeHtml(opts.groups[0].tenant.id)})</p>`
      : "";
  return page(
    "Sign in to your account",
    `<h1>Pick an account</h1>
<p>to continue to <strong>${escapeHtml(opts.clientName)}</strong></p>
${opts.signInAgain ? `<p role="note">${escapeHtml(opts.clientName)} asks you to sign in again, to confirm it is you.</p>\n` : ""}<form method="post" action="${escapeHtml(opts.action)}">
<input type="hidden" name="flow" value="${opts.flowId}">
${groups || "<p>This organization has no user accounts.</p>"}
</form>${tenantLine}`,
  );
}

export interface PermissionLine {
  description: string;
  scope: string;
  resourceName: string;
  adminOnly: boolean;
}

export function consentPage(opts: {
  action: string;
  flowId: string;
  clientName: string;
  user: User;
  tenant: Tenant;
  permissions: PermissionLine[];
  /** Admins may consent for the whole organization; admin consent flows always do. */
  offerOrgConsent: boolean;
  orgConsentOnly: boolean;
}): string {
  const perms = opts.permissions
    .map(
      (p) =>
        `<li class="perm">${escapeHtml(p.description)}<small>${escapeHtml(p.resourceName)}: ${escapeHtml(p.scope)}${p.adminOnly ? ' <span class="admin">(admin consent required)</span>' : ""}</small></li>`,
    )
    .join("\n");
  const orgConsent = opts.orgConsentOnly
    ? `<input type="hidden" name="consentOnBehalf" value="true"><p>Accepting grants these permissions for all users in ${escapeHtml(opts.tenant.displayName)}.</p>`
    : opts.offerOrgConsent
      ? `<p><label><input type="checkbox" name="consentOnBehalf" value="true"> Consent on behalf of your organization</label></p>`
      : "";
  return page(
    "Permissions requested",
    `<p class="upn">${escapeHtml(opts.user.userPrincipalName)}</p>
<h1>Permissions requested</h1>
<p><strong>${escapeHtml(opts.clientName)}</strong><br><small>unverified</small></p>
<p>This app would like to:</p>
<ul>${perms}</ul>
<form method="post" action="${escapeHtml(opts.action)}">
<input type="hidden" name="flow" value="${opts.flowId}">
${orgConsent}
<p><small>Accepting these permissions means that you allow this app to use your data as specified in their terms of service and privacy statement.</small></p>
<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button><button class="primary" type="submit" name="decision" value="accept">Accept</button></div>
</form>`,
  );
}

export function needAdminApprovalPage(opts: {
  action: string;
  flowId: string;
  clientName: string;
  user: User;
  tenant: Tenant;
}): string {
  return page(
    "Need admin approval",
    `<p class="upn">${escapeHtml(opts.user.userPrincipalName)}</p>
<h1>Need admin approval</h1>
<p><strong>${escapeHtml(opts.clientName)}</strong></p>
<p role="alert">${escapeHtml(opts.clientName)} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<p class="tenant">AADSTS90094: The grant requires admin permission.</p>
<form method="post" action="${escapeHtml(opts.action)}">
<input type="hidden" name="flow" value="${opts.flowId}">
<div class="actions"><button type="submit" name="decision" value="other-account">Have an admin account? Sign in with that account</button>
<button class="primary" type="submit" name="decision" value="cancel">Return to the application without granting consent</button></div>
</form>`,
  );
}

export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head>
<body><form method="POST" name="hiddenform" action="${escapeHtml(action)}">${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><button type="submit">Submit</button></noscript></form>
<script>document.forms[0].submit();</script></body></html>`;
}

export function signedOutPage(): string {
  return page(
    "Sign out",
    `<h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p>`,
  );
}

export function errorCodePage(code: string): string {
  return page(
    `AADSTS${code}`,
    `<h1>Error AADSTS${escapeHtml(code)}</h1><p>This is the emulator's stand-in for Microsoft's error lookup page. See the error description returned with the error for details.</p>`,
  );
}
