/** The human-readable page at "/": what this server is and where things are. */
import { page } from "./entra/pages";
import { escapeHtml } from "./http";
import type { World } from "./world";

export function indexPage(world: World, caPath: string, control: boolean): string {
  const b = escapeHtml(world.baseUrl);
  const tenants = world.store
    .tenantsInOrder()
    .slice(0, 20)
    .map((t) => {
      const disco = `${b}/${t.id}/v2.0/.well-known/openid-configuration`;
      return `<li><strong>${escapeHtml(t.displayName)}</strong> (${escapeHtml(t.domain)}): tenant id <code>${t.id}</code> · <a href="${disco}">OpenID configuration</a></li>`;
    })
    .join("\n");
  return page(
    "MCA Connect Azure emulator",
    `<h1>Azure emulator</h1>
<p>A simulated Azure cloud for MCA Connect: Microsoft Entra ID (sign-in, tokens), Microsoft Graph and Azure Resource Manager (billing, Cost Management, RBAC), speaking the real protocols on one HTTPS port.</p>
<h2>Endpoints</h2>
<ul>
<li>Entra authority: <code>${b}/{tenant}</code> (also <code>/organizations</code>, <code>/common</code>); MSAL needs <code>knownAuthorities: ["${escapeHtml(world.host)}"]</code></li>
${world.browserUrl ? `<li>Sign-in pages (authorize, logout) also over plain HTTP: <code>${escapeHtml(world.browserUrl)}/{tenant}/oauth2/v2.0/authorize</code>, as discovery advertises</li>\n` : ""}<li>Microsoft Graph base URL: <code>${b}/graph</code> (requests to <code>/graph/v1.0/...</code>)</li>
<li>Azure Resource Manager base URL: <code>${b}/arm</code>, token scope <code>https://management.azure.com/.default</code></li>
<li>Control API: ${control ? `<a href="${b}/_emulator">${b}/_emulator</a>` : "disabled (--no-control)"}</li>
<li>CA certificate (set <code>NODE_EXTRA_CA_CERTS</code> to it): <code>${escapeHtml(caPath)}</code></li>
</ul>
<h2>Tenants</h2>
<ul>${tenants || "<li>None yet: seed one with POST /_emulator/scenarios or start with --seed contoso.</li>"}</ul>
<p>See <code>emulator/README.md</code> in the repository for the control API and switches.</p>`,
  );
}
