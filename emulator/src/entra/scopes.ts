/**
 * Scope strings as Entra v2 reads them: "<resource>/<permission>", bare names meaning Microsoft Graph,
 * "/.default" for the app's configured permissions, and the OpenID Connect scopes that need no resource.
 */

export const GRAPH = "https://graph.microsoft.com";
export const ARM = "https://management.azure.com";
export const ARM_LEGACY = "https://management.core.windows.net";

export type ResourceId = "graph" | "arm";

interface ResourceInfo {
  id: ResourceId;
  displayName: string;
  appId: string;
  /** The identifiers clients may use for it (compared case-insensitively, trailing slashes ignored). */
  identifiers: string[];
  delegated: Record<string, { description: string; adminOnly: boolean }>;
}

export const RESOURCES: Record<ResourceId, ResourceInfo> = {
  graph: {
    id: "graph",
    displayName: "Microsoft Graph",
    appId: "00000003-0000-0000-c000-000000000000",
    identifiers: [GRAPH, "00000003-0000-0000-c000-000000000000", "https://graph.microsoft.com/beta"],
    delegated: {
      "User.Read": { description: "Sign you in and read your profile", adminOnly: false },
      "User.ReadBasic.All": { description: "Read all users' basic profiles", adminOnly: false },
      "User.Read.All": { description: "Read all users' full profiles", adminOnly: true },
      "Application.Read.All": { description: "Read applications", adminOnly: true },
      "Application.ReadWrite.All": { description: "Read and write all applications", adminOnly: true },
      "Directory.Read.All": { description: "Read directory data", adminOnly: true },
      "Directory.ReadWrite.All": { description: "Read and write directory data", adminOnly: true },
      "Directory.AccessAsUser.All": { description: "Access the directory as you", adminOnly: true },
      "Policy.Read.All": { description: "Read your organization's policies", adminOnly: true },
      "Organization.Read.All": { description: "Read organization information", adminOnly: true },
      "RoleManagement.Read.Directory": {
        description: "Read your company's directory role settings",
        adminOnly: true,
      },
      email: { description: "View your email address", adminOnly: false },
      openid: { description: "Sign you in", adminOnly: false },
      profile: { description: "View your basic profile", adminOnly: false },
      offline_access: {
        description: "Maintain access to data you have given it access to",
        adminOnly: false,
      },
    },
  },
  arm: {
    id: "arm",
    displayName: "Azure Service Management",
    appId: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    identifiers: [ARM, ARM_LEGACY, "797f4846-ba00-4fd7-ba43-dac1f8f63013"],
    delegated: {
      user_impersonation: { description: "Access Azure Resource Manager as you", adminOnly: false },
    },
  },
};

export const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

export interface ParsedScope {
  raw: string;
  /** undefined for OIDC scopes */
  resource?: ResourceId;
  /** How the client named the resource (drives the token's aud), e.g. https://management.azure.com */
  resourceIdentifier?: string;
  /** Permission name ("User.Read", "user_impersonation") or ".default" */
  name: string;
}

export type ScopeParse = { ok: true; scopes: ParsedScope[] } | { ok: false; unknownResource: string };

function normalise(identifier: string): string {
  return identifier.replace(/\/+$/, "").toLowerCase();
}

/**
 * The emulator's own Graph base URL, by the IP and by the name its certificate carries: a client that
 * takes Graph's URL from its cloud settings (the Azure CLI with a custom cloud) names Graph by it, as it
 * names https://graph.microsoft.us in a national cloud, where Entra knows that URL as Graph's too.
 */
export function localGraphIdentifiers(host: string): string[] {
  const port = host.slice(host.lastIndexOf(":") + 1);
  return [`https://${host}/graph`, `https://localhost:${port}/graph`];
}

export function resourceFor(identifier: string, localGraph: string[] = []): ResourceId | undefined {
  const n = normalise(identifier);
  for (const r of Object.values(RESOURCES)) if (r.identifiers.some((i) => normalise(i) === n)) return r.id;
  if (localGraph.some((i) => normalise(i) === n)) return "graph";
  return undefined;
}

/** `localGraph`: the emulator's own Graph URLs (localGraphIdentifiers), accepted as names of Graph. */
export function parseScopes(scopeParam: string, localGraph: string[] = []): ScopeParse {
  const scopes: ParsedScope[] = [];
  for (const raw of scopeParam.split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.has(raw.toLowerCase())) {
      scopes.push({ raw, name: raw.toLowerCase() });
      continue;
    }
    const slash = raw.lastIndexOf("/");
    if (slash < 0 || (!raw.includes("://") && !/^[0-9a-f-]{36}\//i.test(raw))) {
      // Bare permission names mean Microsoft Graph.
      scopes.push({ raw, resource: "graph", resourceIdentifier: GRAPH, name: canonicalName("graph", raw) });
      continue;
    }
    const identifier = raw.slice(0, slash);
    const name = raw.slice(slash + 1);
    const resource = resourceFor(identifier, localGraph);
    if (!resource) return { ok: false, unknownResource: identifier };
    scopes.push({
      raw,
      resource,
      resourceIdentifier: identifier,
      name: name === ".default" ? ".default" : canonicalName(resource, name),
    });
  }
  return { ok: true, scopes };
}

/** Entra matches permission names case-insensitively and answers with its own spelling. */
export function canonicalName(resource: ResourceId, name: string): string {
  const found = Object.keys(RESOURCES[resource].delegated).find(
    (k) => k.toLowerCase() === name.toLowerCase(),
  );
  return found ?? name;
}

export function isKnownPermission(resource: ResourceId, name: string): boolean {
  return Object.keys(RESOURCES[resource].delegated).some((k) => k.toLowerCase() === name.toLowerCase());
}

export function scopeKey(resource: ResourceId, name: string): string {
  return `${resource}|${canonicalName(resource, name)}`;
}

export function splitKey(key: string): { resource: ResourceId; name: string } {
  const [resource, name] = key.split("|") as [ResourceId, string];
  return { resource, name };
}

/** Audience string for tokens: what the client named, with ARM's trailing slash as Entra issues it. */
export function audienceFor(resource: ResourceId, identifier: string | undefined): string {
  if (resource === "graph") {
    // Named by a URL Graph is not known by worldwide (the emulator's own): the token says that URL.
    const named = identifier?.replace(/\/+$/, "");
    const worldwide = RESOURCES.graph.identifiers.some(
      (i) => normalise(i) === normalise(identifier ?? GRAPH),
    );
    return named && !worldwide ? named : GRAPH;
  }
  const n = normalise(identifier ?? ARM);
  if (n === normalise(ARM_LEGACY)) return `${ARM_LEGACY}/`;
  return `${ARM}/`;
}

export function describe(resource: ResourceId, name: string): { description: string; adminOnly: boolean } {
  const entry = Object.entries(RESOURCES[resource].delegated).find(
    ([k]) => k.toLowerCase() === name.toLowerCase(),
  );
  return entry ? entry[1] : { description: name, adminOnly: false };
}

/** Full-form scope for a permission, e.g. https://graph.microsoft.com/User.Read. */
export function fullScope(resource: ResourceId, name: string): string {
  return `${resource === "graph" ? GRAPH : ARM}/${name}`;
}

export function permissionToKey(permission: string): string | undefined {
  const parsed = parseScopes(permission);
  if (!parsed.ok) return undefined;
  const s = parsed.scopes[0];
  if (!s || !s.resource || s.name === ".default") return undefined;
  return scopeKey(s.resource, s.name);
}
