/**
 * Paste-back: the four values a person copies from the Azure portal (or the CLI script) into manual
 * mode. Pure functions, shared by the form (which cleans what was pasted at once) and the server
 * action (which decides). Each validator cleans stray spaces, quotes and line breaks and says so, and
 * names the likely mistake when a value is of the wrong kind: the Secret ID instead of its Value, a
 * billing profile instead of the billing account, a tenant's name instead of its ID.
 *
 * Formats (Microsoft's REST API examples, Azure/azure-rest-api-specs, Microsoft.Billing 2024-04-01):
 * an MCA billing account is "<guid>:<guid>_<yyyy-mm-dd>"; billing profiles and invoice sections are
 * "XXXX-XXXX-XXX-XXX" (e.g. "BKM6-54VH-BG7-PGB"); an EA enrollment is a number (e.g. "6575495").
 *
 * No message ever repeats a secret, and nothing here throws, whatever it is given. No zod here: the form
 * (a client component) imports these checks; the server action's schema is in paste-back-form.ts.
 */
import { mcaBillingAccountIdPattern } from "@/lib/validations/billing-account";

export const pasteFields = ["tenantId", "clientId", "clientSecret", "billingAccountId"] as const;
export type PasteField = (typeof pasteFields)[number];

export const fieldLabels: Record<PasteField, string> = {
  tenantId: "Directory (tenant) ID",
  clientId: "Application (client) ID",
  clientSecret: "Client secret value",
  billingAccountId: "Billing account ID",
};

export type Checked<T> =
  { ok: true; value: T; notes: string[] } | { ok: false; message: string; notes: string[] };

/** A tenant as pasted: its ID, or a domain still to be looked up (lib/azure/tenant-discovery). */
export type TenantRef = { kind: "id"; tenantId: string } | { kind: "domain"; domain: string };

const guidText = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const guidOnly = new RegExp(`^${guidText}$`, "i");
const guidAnywhere = new RegExp(guidText, "gi");
const mcaAccount = mcaBillingAccountIdPattern;
const mcaWithoutDate = new RegExp(`^${guidText}:${guidText}_?$`, "i");
const profileOrSection = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{3}-[a-z0-9]{3}$/i;
const enrollmentNumber = /^\d{4,12}$/;
const partnerAccount = /^pcn\.\d+$/i;
/** Almost a GUID: mostly hex digits in dash-separated groups, but not the 8-4-4-4-12 it should be. */
function guidLike(text: string): boolean {
  return (
    text.length <= 48 &&
    /^[0-9a-z{}]+(-[0-9a-z{}]+){2,6}$/i.test(text) &&
    (text.match(/[0-9a-f]/gi)?.length ?? 0) >= 24
  );
}
const hostname = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/** Nothing real is this long; longer input is refused before any pattern looks at it. */
const maxPasteLength = 2000;

/** Characters no pasted value should hold: controls (except tab and line breaks) and invisible marks. */
const invisibleChars =
  /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const lineBreaks = /[\r\n\u000b\u000c\u0085\u2028\u2029]/;
const spaces = /[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/;
const anyWhitespace = /[\s\u0085]/g;
const quoteChars = "\"'`‘’‚‛“”„‟«»‹›";
const quoteTest = new RegExp(`[${quoteChars}]`);
const quotesGlobal = new RegExp(`[${quoteChars}]`, "g");
const edges = new RegExp(`^[\\s\\u0085${quoteChars}]+|[\\s\\u0085${quoteChars}]+$`, "g");

function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function removedNote(removed: Set<string>, where: string): string[] {
  return removed.size ? [`We removed ${joinAnd([...removed])} ${where}.`] : [];
}

type Cleaned = { text: string; notes: string[]; innerSpace: boolean };

/**
 * Strips what a copy from a web page or a terminal drags along. `inner: "strip"` (IDs, which never
 * hold spaces or quotes) removes them everywhere; `"ends"` (a secret) only around the value, keeping
 * any space inside for the validator to refuse.
 */
function clean(raw: string, inner: "strip" | "ends"): Cleaned {
  const removed = new Set<string>();
  let text = raw.replace(invisibleChars, "");
  if (text !== raw) removed.add("invisible characters");
  const around = text.match(edges)?.join("") ?? "";
  if (around) {
    if (quoteTest.test(around)) removed.add("quotes");
    if (lineBreaks.test(around)) removed.add("line breaks");
    if (spaces.test(around)) removed.add("spaces");
    text = text.replace(edges, "");
  }
  let innerSpace = false;
  if (inner === "strip") {
    if (lineBreaks.test(text)) removed.add("line breaks");
    if (spaces.test(text)) removed.add("spaces");
    if (quoteTest.test(text)) removed.add("quotes");
    text = text.replace(anyWhitespace, "").replace(quotesGlobal, "");
  } else {
    // A secret wrapped over two lines in a terminal: the break is not part of it.
    if (lineBreaks.test(text)) {
      removed.add("line breaks");
      text = text.replace(/[\r\n\u000b\u000c\u0085\u2028\u2029]+/g, "");
    }
    innerSpace = spaces.test(text);
  }
  return { text, notes: removedNote(removed, "from what you pasted"), innerSpace };
}

function asText(raw: unknown): string {
  return typeof raw === "string" ? raw : "";
}

function tooLong(what: string, notes: string[] = []): Checked<never> {
  return {
    ok: false,
    message: `That is far too long for ${what}. Paste only the value itself.`,
    notes,
  };
}

function fail(message: string, notes: string[]): Checked<never> {
  return { ok: false, message, notes };
}

const notGuidMessage = (label: string) =>
  `That is not a complete ${label}: it is a GUID of 32 letters a-f and digits in groups of 8-4-4-4-12, such as 1a2b3c4d-1111-2222-3333-444455556666. Check that nothing is missing or added.`;

/** The one GUID inside some other text (a label, a URL), or null when there is none or several. */
function singleGuid(text: string): string | null {
  const found = [...new Set(text.match(guidAnywhere)?.map((g) => g.toLowerCase()) ?? [])];
  return found.length === 1 ? found[0]! : null;
}

// ---------------------------------------------------------------------------------------------------
// Directory (tenant) ID

const audiences = new Set(["common", "organizations", "consumers"]);

function tenantFromUrl(text: string): string | null {
  try {
    const url = new URL(text);
    // Portal links carry the tenant's domain after "#@" (portal.azure.com/#@contoso.onmicrosoft.com/...).
    const at = /#@([a-z0-9.-]+)/i.exec(url.hash);
    if (at?.[1]) return at[1];
    const first = url.pathname.split("/").filter(Boolean)[0];
    return first ?? null;
  } catch {
    return null;
  }
}

/** Directory (tenant) ID: a GUID, or a domain of the tenant (looked up afterwards). */
export function checkTenant(raw: unknown): Checked<TenantRef> {
  const input = asText(raw);
  if (input.length > maxPasteLength) return tooLong("a tenant ID");
  const { text, notes } = clean(input, "strip");
  if (!text)
    return fail(
      "Paste the Directory (tenant) ID from the app's Overview page, or a domain of your tenant such as contoso.onmicrosoft.com.",
      notes,
    );
  if (guidOnly.test(text)) return { ok: true, value: { kind: "id", tenantId: text.toLowerCase() }, notes };

  if (/^https?:\/\//i.test(text)) {
    const inside = tenantFromUrl(text);
    if (inside && inside !== text) {
      const found = checkTenant(inside);
      if (found.ok) return { ...found, notes: [...notes, "We took the tenant out of the link you pasted."] };
    }
    return fail(
      "That is a web address. Paste the Directory (tenant) ID (a GUID) or a domain of your tenant, such as contoso.onmicrosoft.com.",
      notes,
    );
  }
  const lower = text.toLowerCase();
  if (audiences.has(lower))
    return fail(
      `“${lower}” is a sign-in audience, not a tenant. Paste your Directory (tenant) ID from the app's Overview page.`,
      notes,
    );

  const email = /^[^@]+@([^@]+)$/.exec(text);
  if (email?.[1] && hostname.test(email[1])) {
    return {
      ok: true,
      value: { kind: "domain", domain: email[1].toLowerCase() },
      notes: [
        ...notes,
        `That is a user name: we look the tenant up by its domain, ${email[1].toLowerCase()}.`,
      ],
    };
  }
  if (hostname.test(text) && !/^\d+(\.\d+)+$/.test(text))
    return { ok: true, value: { kind: "domain", domain: lower }, notes };

  const guid = singleGuid(text);
  if (guid) {
    if (/client|application|object|secret/i.test(text))
      return fail(
        "That text names another ID (an application, object or secret ID). Paste the Directory (tenant) ID from the app's Overview page.",
        notes,
      );
    return {
      ok: true,
      value: { kind: "id", tenantId: guid },
      notes: [...notes, "We took the GUID out of the text you pasted."],
    };
  }
  if (guidLike(text)) return fail(notGuidMessage("Directory (tenant) ID"), notes);
  return fail(
    "A tenant's name cannot be looked up. Paste the Directory (tenant) ID (a GUID, on the app's Overview page) or a domain of the tenant, such as contoso.onmicrosoft.com or contoso.com.",
    notes,
  );
}

// ---------------------------------------------------------------------------------------------------
// Application (client) ID

/** Secrets Entra makes look like "Abc8Q~…": 40 characters with a tilde near the start. */
function looksLikeSecretValue(text: string) {
  return text.length >= 30 && text.length <= 64 && /^[A-Za-z0-9_.~-]+$/.test(text) && text.includes("~");
}

export function checkClientId(raw: unknown): Checked<string> {
  const input = asText(raw);
  if (input.length > maxPasteLength) return tooLong("an Application (client) ID");
  const { text, notes } = clean(input, "strip");
  const bare = text.replace(/^\{(.*)\}$/, "$1");
  if (!bare) return fail("Paste the Application (client) ID from the app's Overview page.", notes);
  if (guidOnly.test(bare)) return { ok: true, value: bare.toLowerCase(), notes };
  if (looksLikeSecretValue(bare))
    return fail(
      "That looks like the client secret's Value, not the Application (client) ID. Paste the secret in its own field below, and here the Application (client) ID from the app's Overview page.",
      notes,
    );
  const guid = singleGuid(bare);
  if (guid) {
    if (/object/i.test(bare))
      return fail(
        "That is labelled as an Object ID. Paste the Application (client) ID instead: the other GUID on the app's Overview page.",
        notes,
      );
    if (/secret/i.test(bare))
      return fail(
        "That is labelled as a Secret ID. Paste the Application (client) ID from the app's Overview page.",
        notes,
      );
    if (/tenant|directory/i.test(bare))
      return fail(
        "That is labelled as the Directory (tenant) ID. Paste the Application (client) ID: the other GUID on the app's Overview page.",
        notes,
      );
    return { ok: true, value: guid, notes: [...notes, "We took the GUID out of the text you pasted."] };
  }
  if (guidLike(bare)) return fail(notGuidMessage("Application (client) ID"), notes);
  if (/^[\p{L}\p{N} ._()-]{1,120}$/u.test(input.trim()))
    return fail(
      "That looks like the app's name. Paste its Application (client) ID: a GUID shown on the app's Overview page, under Essentials.",
      notes,
    );
  return fail(
    "That is not an Application (client) ID. It is a GUID, such as 1a2b3c4d-1111-2222-3333-444455556666, shown on the app's Overview page.",
    notes,
  );
}

// ---------------------------------------------------------------------------------------------------
// Client secret value

/** `"password": "…"` (az ad app credential reset), `secret=…` (our CLI script), `secretText: …` (Graph). */
const labelledSecret =
  /^\s*["']?(?:password|secret|secrettext|client_secret|value)["']?\s*[:=]\s*(.*?)\s*,?\s*$/i;

export function checkSecret(raw: unknown): Checked<string> {
  const input = asText(raw);
  if (input.length > maxPasteLength) return tooLong("a client secret");
  let notes: string[] = [];
  let source = input;
  const labelled = labelledSecret.exec(input.replace(/[\r\n]+/g, " "));
  if (labelled?.[1] !== undefined && !/\s/.test(labelled[1].replace(/^["']|["']$/g, ""))) {
    source = labelled[1];
    notes.push("We kept only the value after its label.");
  }
  const cleaned = clean(source, "ends");
  notes = [...notes, ...cleaned.notes];
  const text = cleaned.text;
  if (!text)
    return fail(
      "Paste the secret's Value. Azure shows it once, right after you add the secret under Certificates & secrets.",
      notes,
    );
  if (guidOnly.test(text))
    return fail(
      "That is the Secret ID, not the secret's Value. Azure shows the Value only once, right after you add the secret: if you can no longer see it, add a new client secret (step 2) and copy its Value.",
      notes,
    );
  if (/\*{3,}|…/.test(text))
    return fail(
      "That is the hidden form of the Value (Azure masks it once you leave the page). Add a new client secret (step 2) and copy its Value at once.",
      notes,
    );
  if (cleaned.innerSpace)
    return fail(
      "A secret's Value has no spaces or tabs, so more than the Value was pasted (a whole row of the Certificates & secrets table, perhaps). Copy only the Value column.",
      notes,
    );
  if (!/^[\x21-\x7e]+$/.test(text))
    return fail(
      "That holds characters Azure never puts in a secret (accented letters, symbols or emoji). Copy the Value again from the Azure portal, or from the script's output.",
      notes,
    );
  if (text.length < 16)
    return fail(
      "That is too short for a client secret's Value (Azure makes them about 40 characters long). Check that you copied all of it.",
      notes,
    );
  if (text.length > 256) return tooLong("a client secret", notes);
  return { ok: true, value: text, notes };
}

// ---------------------------------------------------------------------------------------------------
// Billing account ID

const armPath = /(?:^|\/)providers\/microsoft\.billing\/billingaccounts\/([^/?#&\s]+)(\/[^?#\s]*)?/i;

function decodeOnce(text: string): string {
  if (!/%[0-9a-f]{2}/i.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const billingHelp =
  "Find it in Cost Management + Billing: Billing scopes, select your billing account, then Settings > Properties.";

export function checkBillingAccount(raw: unknown): Checked<string> {
  const input = asText(raw);
  if (input.length > maxPasteLength) return tooLong("a billing account ID");
  const { text: stripped, notes } = clean(decodeOnce(input), "strip");
  if (!stripped) return fail(`Paste the Billing account ID. ${billingHelp}`, notes);
  let text = stripped;
  const path = armPath.exec(text);
  if (path?.[1]) {
    text = decodeOnce(path[1]);
    const rest = path[2] ?? "";
    notes.push(
      /billingprofiles|invoicesections/i.test(rest)
        ? "You pasted the path of a billing profile or invoice section: we kept the ID of its billing account, which is what gets connected."
        : "We kept only the billing account's ID from the path you pasted.",
    );
  }
  if (mcaAccount.test(text)) {
    const date = text.slice(-10);
    const [y, m, d] = date.split("-").map(Number);
    if (y! >= 2000 && m! >= 1 && m! <= 12 && d! >= 1 && d! <= 31) return { ok: true, value: text, notes };
  }
  if (mcaWithoutDate.test(text))
    return fail(
      "That looks cut off: a Microsoft Customer Agreement billing account ID ends with an underscore and a date, like …_2019-05-31. Copy all of it.",
      notes,
    );
  if (profileOrSection.test(text))
    return fail(
      `That looks like a billing profile or invoice section ID (the form XXXX-XXXX-XXX-XXX). The connection needs the billing account ID above them, which looks like <GUID>:<GUID>_<date>. ${billingHelp}`,
      notes,
    );
  if (enrollmentNumber.test(text))
    return fail(
      "That looks like an Enterprise Agreement enrollment number. MCA Connect connects Microsoft Customer Agreement billing accounts, whose ID looks like <GUID>:<GUID>_<date>; an EA enrollment needs the EA integration instead.",
      notes,
    );
  if (partnerAccount.test(text))
    return fail(
      "That looks like a Microsoft Partner Agreement (CSP partner) account. MCA Connect connects Microsoft Customer Agreement billing accounts, whose ID looks like <GUID>:<GUID>_<date>.",
      notes,
    );
  if (guidOnly.test(text))
    return fail(
      `One GUID alone is not a billing account ID (it may be a subscription, a billing profile or your tenant). A Microsoft Customer Agreement billing account ID is two GUIDs and a date: <GUID>:<GUID>_<yyyy-mm-dd>. ${billingHelp}`,
      notes,
    );
  return fail(
    `That is not a Microsoft Customer Agreement billing account ID, which is two GUIDs and a date: <GUID>:<GUID>_<yyyy-mm-dd>. ${billingHelp}`,
    notes,
  );
}

// ---------------------------------------------------------------------------------------------------
// The four together

/** What the portal already knows about the onboarding, to catch an ID pasted into the wrong field. */
export type KnownIds = {
  tenantId: string;
  tenantName?: string | null;
  applicationObjectId?: string | null;
  servicePrincipalId?: string | null;
};

export type PastedValues = {
  tenant: TenantRef;
  clientId: string;
  clientSecret: string;
  billingAccountId: string;
};

export type PasteBackCheck = {
  values: PastedValues | null;
  fieldErrors: Partial<Record<PasteField, string>>;
  notes: Partial<Record<PasteField, string[]>>;
  /** The cleaned text of each ID that passed, to show in the form (never the secret). */
  cleaned: Partial<Record<Exclude<PasteField, "clientSecret">, string>>;
};

/** The tenant must be the onboarding's: the app, its secret and the billing role all live there. */
export function tenantMismatch(tenantId: string, known: KnownIds): string | null {
  if (tenantId.toLowerCase() === known.tenantId.toLowerCase()) return null;
  const which = known.tenantName ? `${known.tenantName} (${known.tenantId})` : known.tenantId;
  const paste = known.tenantName
    ? `Paste ${known.tenantName}'s Directory (tenant) ID`
    : `Use ${known.tenantId} here`;
  return `This onboarding belongs to the tenant ${which}, and you pasted another tenant's ID. ${paste}; to connect the other tenant, sign in with one of its accounts and start a new onboarding there.`;
}

/** Runs the four validators and the checks across fields. */
export function checkPasteBack(input: Partial<Record<PasteField, unknown>>, known: KnownIds): PasteBackCheck {
  const tenant = checkTenant(input.tenantId);
  const client = checkClientId(input.clientId);
  const secret = checkSecret(input.clientSecret);
  const billing = checkBillingAccount(input.billingAccountId);
  const fieldErrors: PasteBackCheck["fieldErrors"] = {};
  const notes: PasteBackCheck["notes"] = {};
  const cleaned: PasteBackCheck["cleaned"] = {};
  const results = { tenantId: tenant, clientId: client, clientSecret: secret, billingAccountId: billing };
  for (const field of pasteFields) {
    const result = results[field];
    if (result.notes.length) notes[field] = result.notes;
    if (!result.ok) fieldErrors[field] = result.message;
  }
  if (tenant.ok) {
    cleaned.tenantId = tenant.value.kind === "id" ? tenant.value.tenantId : tenant.value.domain;
    const mismatch = tenant.value.kind === "id" ? tenantMismatch(tenant.value.tenantId, known) : null;
    if (mismatch) fieldErrors.tenantId = mismatch;
  }
  if (client.ok) {
    cleaned.clientId = client.value;
    const id = client.value;
    if (tenant.ok && tenant.value.kind === "id" && id === tenant.value.tenantId)
      fieldErrors.clientId =
        "This is the same GUID as the Directory (tenant) ID. The Application (client) ID is the other GUID on the app's Overview page.";
    else if (id === known.tenantId.toLowerCase())
      fieldErrors.clientId =
        "This is your Directory (tenant) ID. The Application (client) ID is the other GUID on the app's Overview page.";
    else if (known.servicePrincipalId && id === known.servicePrincipalId.toLowerCase())
      fieldErrors.clientId =
        "This is the app's service principal (its Object ID under Enterprise applications). Paste the Application (client) ID from the app's Overview page.";
    else if (known.applicationObjectId && id === known.applicationObjectId.toLowerCase())
      fieldErrors.clientId =
        "This is the app's Object ID. Paste the Application (client) ID: the other GUID on the app's Overview page.";
  }
  if (billing.ok) cleaned.billingAccountId = billing.value;
  if (secret.ok) {
    const value = secret.value.toLowerCase();
    const ids = [
      client.ok ? client.value : null,
      tenant.ok && tenant.value.kind === "id" ? tenant.value.tenantId : null,
    ];
    if (ids.includes(value))
      fieldErrors.clientSecret =
        "That is one of the IDs above, not the secret. Paste the secret's Value, shown once when you add the secret.";
  }
  const ok = Object.keys(fieldErrors).length === 0 && tenant.ok && client.ok && secret.ok && billing.ok;
  return {
    values: ok
      ? {
          tenant: tenant.value,
          clientId: client.value,
          clientSecret: secret.value,
          billingAccountId: billing.value,
        }
      : null,
    fieldErrors,
    notes,
    cleaned,
  };
}
