/**
 * The Azure CLI alternative of manual mode: one bash script for the whole onboarding and the lines of
 * each step, pre-filled with every value already known. The script is cloud-agnostic: it reads the
 * Resource Manager and Graph endpoints from `az cloud show`, so it runs unchanged against public Azure,
 * a sovereign cloud, or the emulator registered as a custom cloud.
 *
 * Every value is put into the script as a shell-quoted variable assignment (never into comments, never
 * unquoted), and OData or JSON text is built here, then quoted whole: a name holding quotes, `$()` or
 * backticks stays data. The script checks the signed-in tenant and never signs in itself.
 */
import type { StepId } from "@/lib/onboardings/catalog";

/** What is already known when the instructions are shown; null where a step has not produced it. */
export type ManualValues = {
  tenantId: string;
  appDisplayName: string;
  secretDescription: string;
  secretExpiryMonths: number;
  clientId: string | null;
  servicePrincipalId: string | null;
  billingAccountName: string | null;
};

/** Billing account reader, the role definition's name on every MCA billing account (azure-api.md C2). */
export const billingAccountReaderRole = "50000000-aaaa-bbbb-cccc-100000000002";

/**
 * The order of the steps in the script. Finding the billing account (step 3) only reads, so it goes
 * first: a tenant without a usable account stops before anything is created.
 */
export const cliStepOrder: readonly StepId[] = [
  "billing-account",
  "app-registration",
  "client-secret",
  "role-assignment",
  "verify",
];

/** Quotes a value for bash: left bare when it holds only characters bash never interprets. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * JSON for an `az` argument. The CLI replaces an argument starting with "@" (or its part after the first
 * "=") by the content of the file it names, so "=" and "@" are written as JSON escapes, which Azure reads
 * as the same characters.
 */
function azJson(value: unknown): string {
  return JSON.stringify(value).replace(/=/g, "\\u003d").replace(/@/g, "\\u0040");
}

/** Whether `--name="$VALUE"` passes the value through `az` unchanged (see azJson). */
function azPassesAsIs(value: string): boolean {
  return !value.startsWith("@");
}

/** A string literal in an OData $filter: single quotes, doubled inside. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function lines(...parts: (string | false | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === "string").join("\n");
}

function months(values: ManualValues): number {
  const n = Math.trunc(values.secretExpiryMonths);
  return Number.isFinite(n) && n > 0 ? n : 12;
}

/** The settings, the helpers, the sign-in check and the cloud's endpoints: what every step relies on. */
export function cliPreamble(values: ManualValues): string {
  const tenant = values.tenantId.trim().toLowerCase();
  const login = `az login --tenant ${shellQuote(tenant)} --allow-no-subscriptions`;
  return lines(
    `TENANT_ID=${shellQuote(tenant)}`,
    `APP_NAME=${shellQuote(values.appDisplayName)}`,
    `SECRET_DESCRIPTION=${shellQuote(values.secretDescription)}`,
    `SECRET_MONTHS=${months(values)}`,
    `READER_ROLE=${billingAccountReaderRole}`,
    "",
    "fail() {",
    "  printf 'ERROR: %s\\n' \"$*\" >&2",
    "  exit 1",
    "}",
    "",
    "# Runs a command until it succeeds. Right after something is created, Entra ID and Microsoft.Billing",
    "# may not know it everywhere yet (seconds to minutes), so such errors are retried for up to 5 minutes.",
    "# A refusal for lack of rights is not: it stops at once.",
    "retry() {",
    "  local delay=2 deadline=$((SECONDS + 300)) errors",
    "  errors=$(mktemp)",
    '  until "$@" 2>"$errors"; do',
    "    if { grep -qiE 'insufficient privileges|AuthorizationFailed|does not have authorization' \"$errors\" &&",
    '      ! grep -qi \'backing application\' "$errors"; } || [ "$SECONDS" -ge "$deadline" ]; then',
    '      cat "$errors" >&2',
    '      rm -f "$errors"',
    "      return 1",
    "    fi",
    "    printf '  Azure is not ready for this yet; trying again in %s s.\\n' \"$delay\" >&2",
    '    sleep "$delay"',
    "    delay=$((delay < 15 ? delay * 2 : 15))",
    "  done",
    '  rm -f "$errors"',
    "}",
    "",
    "# Prints the lines a JMESPath projection picks from every page of an ARM list (it follows nextLink).",
    "# Command substitutions do not inherit set -e, hence the explicit returns.",
    "arm_lines() {",
    "  local url=$1 page",
    '  while [ -n "$url" ] && [ "$url" != - ]; do',
    `    page=$(az rest --method get --url "$url" --query "[nextLink || '-', $2][]" -o tsv) || return 1`,
    "    url=${page%%$'\\n'*}",
    `    if [ "$url" != "$page" ]; then printf '%s\\n' "\${page#*$'\\n'}"; fi`,
    "  done",
    "}",
    "",
    "# Signed in to this onboarding's tenant? The script never signs in itself.",
    "SIGNED_IN_TENANT=$(az account show --query tenantId -o tsv 2>/dev/null || true)",
    'if [ "$SIGNED_IN_TENANT" != "$TENANT_ID" ]; then',
    '  if [ -n "$SIGNED_IN_TENANT" ]; then',
    '    printf \'You are signed in to tenant %s, not %s.\\n\' "$SIGNED_IN_TENANT" "$TENANT_ID" >&2',
    "  fi",
    "  echo 'Sign in to the tenant first, then run this script again:' >&2",
    `  echo ${shellQuote(`  ${login}`)} >&2`,
    "  exit 1",
    "fi",
    "",
    "# The cloud's own endpoints (public Azure, a national cloud or a custom cloud), never hard-coded.",
    "ARM=$(az cloud show --query endpoints.resourceManager -o tsv)",
    "ARM=${ARM%/}",
    "GRAPH_RESOURCE=$(az cloud show --query endpoints.microsoftGraphResourceId -o tsv)",
    "GRAPH=${GRAPH_RESOURCE%/}",
  );
}

function billingAccountLines(values: ManualValues): string {
  if (values.billingAccountName)
    return lines(
      "# Step 3 (done in the portal): the billing account.",
      `BILLING_ACCOUNT=${shellQuote(values.billingAccountName)}`,
      'echo "Billing account: $BILLING_ACCOUNT"',
    );
  return lines(
    "# Step 3: the Microsoft Customer Agreement billing account. It only reads, so it runs first: without",
    "# exactly one active account the script stops before it creates anything. includeAll lets a Global",
    "# Administrator see the tenant's accounts. To pick one of several: BILLING_ACCOUNT=<ID> bash <script>",
    "BILLING_ACCOUNT=${BILLING_ACCOUNT:-}",
    'if [ -z "$BILLING_ACCOUNT" ]; then',
    '  ACCOUNTS=$(arm_lines "$ARM/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01&includeAll=true" \\',
    "    \"value[?properties.agreementType=='MicrosoftCustomerAgreement' && properties.accountStatus=='Active'].join(' ', [name, properties.displayName || ''])\")",
    "  ACCOUNT_COUNT=$(printf '%s' \"$ACCOUNTS\" | grep -c . || true)",
    '  if [ "$ACCOUNT_COUNT" -ne 1 ]; then',
    '    echo "Found $ACCOUNT_COUNT active Microsoft Customer Agreement billing accounts; this needs exactly one." >&2',
    "    [ -z \"$ACCOUNTS\" ] || printf '%s\\n' \"$ACCOUNTS\" | sed 's/^/  /' >&2",
    "    fail 'Choose the billing account in the portal (step 3), or run again with BILLING_ACCOUNT=<ID> in front.'",
    "  fi",
    "  BILLING_ACCOUNT=${ACCOUNTS%% *}",
    "fi",
    'echo "Billing account: $BILLING_ACCOUNT"',
  );
}

function appRegistrationLines(values: ManualValues): string {
  const servicePrincipal = values.servicePrincipalId
    ? [`SP_ID=${shellQuote(values.servicePrincipalId)}`]
    : [
        "# Its service principal (the identity billing roles are given to): reused when it exists.",
        "SP_ID=$(az ad sp list --filter \"appId eq '$APP_ID'\" --query '[0].id' -o tsv)",
        'if [ -z "$SP_ID" ]; then',
        '  SP_ID=$(retry az ad sp create --id "$APP_ID" --query id -o tsv)',
        "fi",
      ];
  if (values.clientId)
    return lines(
      "# Step 1 (done in the portal): the app registration and its service principal.",
      `APP_ID=${shellQuote(values.clientId)}`,
      'az ad app show --id "$APP_ID" --query appId -o tsv >/dev/null ||',
      '  fail "There is no app registration with client ID $APP_ID in this tenant."',
      ...servicePrincipal,
      'echo "App registration: $APP_ID, service principal: $SP_ID"',
    );
  const filter = `displayName eq ${odataString(values.appDisplayName)}`;
  // `az ad app create` looks the name up with an unescaped OData filter, which Graph refuses for a name
  // holding a single quote, and reads a file for a value starting with "@"; such a name is created with
  // the Graph call az ad app create makes, made directly.
  const viaGraph = values.appDisplayName.includes("'") || !azPassesAsIs(values.appDisplayName);
  const create = viaGraph
    ? [
        "  # az ad app create cannot take this name as it is; this is the Graph call it makes.",
        '  APP_ID=$(az rest --method post --url "$GRAPH/v1.0/applications" --resource "$GRAPH_RESOURCE" \\',
        `    --body ${shellQuote(azJson({ displayName: values.appDisplayName, signInAudience: "AzureADMyOrg" }))} --query appId -o tsv)`,
      ]
    : [
        '  APP_ID=$(az ad app create --display-name="$APP_NAME" --sign-in-audience AzureADMyOrg --query appId -o tsv)',
      ];
  return lines(
    "# Step 1: the app registration. An app is reused only by its client ID, never by its name alone",
    "# (that could be someone else's app): to reuse one, run again with APP_ID=<client ID> in front.",
    "APP_ID=${APP_ID:-}",
    'if [ -n "$APP_ID" ]; then',
    '  az ad app show --id "$APP_ID" --query appId -o tsv >/dev/null ||',
    '    fail "There is no app registration with client ID $APP_ID in this tenant."',
    "else",
    `  EXISTING=$(az ad app list --filter=${shellQuote(filter)} --query '[].[appId, createdDateTime]' -o tsv)`,
    '  if [ -n "$EXISTING" ]; then',
    "    echo 'An app registration with this name already exists (client ID, created):' >&2",
    "    printf '%s\\n' \"$EXISTING\" | sed 's/^/  /' >&2",
    "    fail 'If it is the one for this connection, run again with APP_ID=<client ID> in front; otherwise choose another name in the portal.'",
    "  fi",
    ...create,
    "fi",
    ...servicePrincipal,
    'echo "App registration: $APP_ID, service principal: $SP_ID"',
  );
}

function clientSecretLines(values: ManualValues): string {
  // The body around the end date, which the script computes when it runs.
  const before = `{"passwordCredential":{"displayName":${azJson(values.secretDescription)},"endDateTime":"`;
  const after = '"}}';
  const add = azPassesAsIs(values.secretDescription)
    ? [
        'SECRET=$(retry az ad app credential reset --id "$APP_ID" --append --display-name="$SECRET_DESCRIPTION" \\',
        '  --end-date "$SECRET_END" --query password -o tsv)',
      ]
    : [
        "# az ad app credential reset cannot take this description as it is; this is the Graph call it makes.",
        'APP_OBJECT_ID=$(retry az ad app show --id "$APP_ID" --query id -o tsv)',
        `BODY=${shellQuote(before)}"$SECRET_END"${shellQuote(after)}`,
        'SECRET=$(retry az rest --method post --url "$GRAPH/v1.0/applications/$APP_OBJECT_ID/addPassword" \\',
        '  --resource "$GRAPH_RESOURCE" --body "$BODY" --query secretText -o tsv)',
      ];
  return lines(
    "# Step 2: a new client secret; Azure shows its value only now. Each run adds one (--append keeps",
    "# earlier secrets working until they expire; delete spare ones under Certificates & secrets).",
    "# Its end date: GNU date (Linux, Cloud Shell), else BSD date (macOS).",
    'SECRET_END=$(date -u -d "+$SECRET_MONTHS months" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null ||',
    '  date -u -v+"$SECRET_MONTHS"m +%Y-%m-%dT%H:%M:%SZ)',
    ...add,
    'echo "Client secret added; it expires $SECRET_END."',
  );
}

function roleAssignmentLines(): string {
  return lines(
    "# Step 4: Billing account reader for the service principal. It looks first, so a rerun finds the",
    "# assignment made before and never creates a second one. Only a Billing account owner (or a Global",
    "# Administrator with elevated access) may assign billing roles.",
    'ASSIGNMENTS_URL="$ARM/providers/Microsoft.Billing/billingAccounts/$BILLING_ACCOUNT/billingRoleAssignments?api-version=2024-04-01"',
    "reader_assignment() {",
    '  arm_lines "$ASSIGNMENTS_URL" \\',
    "    \"value[?properties.principalId=='$SP_ID' && ends_with(properties.roleDefinitionId, '$READER_ROLE')].name\" | sed -n 1p",
    "}",
    "ASSIGNMENT=$(reader_assignment)",
    'if [ -n "$ASSIGNMENT" ]; then',
    "  echo 'The service principal already has Billing account reader.'",
    "else",
    '  BODY=$(printf \'{"principalId":"%s","principalTenantId":"%s","roleDefinitionId":"%s"}\' "$SP_ID" "$TENANT_ID" \\',
    '    "/providers/Microsoft.Billing/billingAccounts/$BILLING_ACCOUNT/billingRoleDefinitions/$READER_ROLE")',
    '  retry az rest --method post --body "$BODY" --output none \\',
    '    --url "$ARM/providers/Microsoft.Billing/billingAccounts/$BILLING_ACCOUNT/createBillingRoleAssignment?api-version=2024-04-01"',
    "  # Microsoft.Billing answers 200 with the assignment or 202 while it finishes: wait until it is listed.",
    "  WAIT_UNTIL=$((SECONDS + 300))",
    '  until ASSIGNMENT=$(reader_assignment) && [ -n "$ASSIGNMENT" ]; do',
    '    [ "$SECONDS" -lt "$WAIT_UNTIL" ] || fail "The role assignment was accepted but is not listed yet; run the script again later."',
    "    sleep 3",
    "  done",
    "  echo 'Billing account reader assigned.'",
    "fi",
  );
}

function verifyLines(): string {
  return lines(
    "# Step 5: the four values for MCA Connect (Add app registration credentials), which checks them.",
    "echo",
    "echo '==================== Paste these into MCA Connect ===================='",
    'echo "Directory (tenant) ID:   $TENANT_ID"',
    'echo "Application (client) ID: $APP_ID"',
    'echo "Client secret value:     ${SECRET:-}"',
    'echo "Billing account ID:      $BILLING_ACCOUNT"',
    "echo '======================================================================'",
    "echo 'Copy the client secret value now: Azure shows it only once, and this script cannot show it again.'",
  );
}

/**
 * The lines of one step, as a bash snippet that relies on the preamble (cliPreamble: settings, helpers,
 * sign-in check, endpoints) and on the variables the steps before it in the script set (cliStepOrder).
 * They are the script's own lines, character for character.
 */
export function cliLinesForStep(stepId: StepId, values: ManualValues): string {
  switch (stepId) {
    case "billing-account":
      return billingAccountLines(values);
    case "app-registration":
      return appRegistrationLines(values);
    case "client-secret":
      return clientSecretLines(values);
    case "role-assignment":
      return roleAssignmentLines();
    case "verify":
      return verifyLines();
  }
}

/** The whole script: every step, in order, ending with the four values to paste back. */
export function cliScript(values: ManualValues): string {
  return `${lines(
    "#!/usr/bin/env bash",
    "# MCA Connect: connects a Microsoft Customer Agreement billing account to the cost platform with the",
    "# Azure CLI (2.37 or later; Azure Cloud Shell has it). Run it with bash after",
    "#   az login --tenant <this tenant> --allow-no-subscriptions",
    "# It creates an app registration with a service principal, gives it a client secret, finds the",
    "# billing account, assigns the service principal Billing account reader there, and prints the four",
    "# values to paste back into MCA Connect.",
    "#",
    "# Running it again is safe: it looks before it creates. The billing account is found again, the app is",
    "# reused when its client ID is known (filled in below, or given as APP_ID=<client ID>), its service",
    "# principal and an existing Billing account reader assignment are reused, never made twice. Each run",
    "# adds a new client secret, because Azure shows a secret's value only when it is created.",
    "set -euo pipefail",
    "",
    cliPreamble(values),
    ...cliStepOrder.flatMap((id) => ["", cliLinesForStep(id, values)]),
  )}\n`;
}
