/**
 * The CLI script's text: pre-filled values, quoting, bash syntax, and the steps' lines being the script's
 * own. A stand-in `az` on PATH (it records each argv and answers like the CLI) shows exactly what the
 * script hands the CLI, so a hostile name is seen arriving intact. cli.az.test.ts runs the real CLI.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { stepIds } from "@/lib/onboardings/catalog";
import {
  cliLinesForStep,
  cliPreamble,
  cliScript,
  cliStepOrder,
  shellQuote,
  type ManualValues,
} from "@/lib/onboardings/manual/cli";

const TENANT = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
const CLIENT = "11111111-2222-4333-8444-555555555555";
const SP = "66666666-7777-4888-9999-aaaaaaaaaaaa";
const ACCOUNT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee:ffffffff-0000-4111-8222-333333333333_2019-05-31";

function values(extra: Partial<ManualValues> = {}): ManualValues {
  return {
    tenantId: TENANT,
    appDisplayName: "vantage",
    secretDescription: "vantage-secret",
    secretExpiryMonths: 12,
    clientId: null,
    servicePrincipalId: null,
    billingAccountName: null,
    ...extra,
  };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "mca-cli-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A stand-in for `az`: logs its argv as a JSON line and prints what the real CLI would for the script. */
const FAKE_AZ = `#!/usr/bin/env node
const fs = require("node:fs");
const argv = process.argv.slice(2);
fs.appendFileSync(process.env.AZ_LOG, JSON.stringify(argv) + "\\n");
const has = (...words) => words.every((w) => argv.some((a) => a === w || a.startsWith(w)));
const url = argv[argv.indexOf("--url") + 1] || "";
const out = (s) => process.stdout.write(s + "\\n");
const state = process.env.AZ_LOG + ".assigned";
if (has("account", "show")) { if (process.env.AZ_TENANT) out(process.env.AZ_TENANT); else process.exit(1); }
else if (has("cloud", "show") && argv.some((a) => a.includes("resourceManager"))) out("https://arm.example/");
else if (has("cloud", "show")) out("https://graph.example/");
else if (has("rest") && process.env.AZ_REST_FAILS) { process.stderr.write("ERROR: Forbidden"); process.exit(1); }
else if (has("rest") && url.includes("/billingAccounts?")) {
  // Two pages, as ARM pages with nextLink: the first account, then the rest. Lines: nextLink or "-", items.
  const [first, ...others] = process.env.AZ_ACCOUNTS ? process.env.AZ_ACCOUNTS.split("\\n") : [];
  if (url.endsWith("&page=2")) out(["-", ...others].join("\\n"));
  else out([first === undefined ? "-" : url + "&page=2", ...(first === undefined ? [] : [first])].join("\\n"));
}
else if (has("ad", "app", "list")) out("");
else if (has("ad", "app", "create")) out("${CLIENT}");
else if (has("rest") && url.endsWith("/v1.0/applications")) out("${CLIENT}");
else if (has("ad", "app", "show")) out("app-object-id");
else if (has("ad", "sp", "list")) out("");
else if (has("ad", "sp", "create")) out("${SP}");
else if (has("ad", "app", "credential", "reset") || url.endsWith("/addPassword")) out("s3cr~t.value");
else if (has("rest") && url.includes("/createBillingRoleAssignment")) fs.writeFileSync(state, "1");
else if (has("rest") && url.includes("/billingRoleAssignments")) out(fs.existsSync(state) ? "-\\nassignment-name" : "-");
else { process.stderr.write("fake az: unexpected " + JSON.stringify(argv)); process.exit(2); }
`;
const bin = path.join(work, "bin");
fs.mkdirSync(bin);
fs.writeFileSync(path.join(bin, "az"), FAKE_AZ, { mode: 0o755 });

/** Only these variables: the script must not depend on the test runner's environment. */
function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return vars as NodeJS.ProcessEnv;
}

let runs = 0;
function run(
  script: string,
  env: Record<string, string> = {},
): { code: number; stdout: string; stderr: string; calls: string[][] } {
  const dir = path.join(work, `run-${++runs}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, "script.sh");
  fs.writeFileSync(file, script);
  const log = path.join(dir, "az.log");
  const r = spawnSync("bash", [file], {
    cwd: dir,
    timeout: 20_000,
    encoding: "utf8",
    env: childEnv({
      PATH: `${bin}:${process.env.PATH}`,
      AZ_LOG: log,
      AZ_TENANT: TENANT,
      AZ_ACCOUNTS: `${ACCOUNT} Contoso Ltd`,
      ...env,
    }),
  });
  const calls = fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as string[])
    : [];
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls };
}

function call(calls: string[][], ...words: string[]): string[] | undefined {
  return calls.find((argv) => words.every((w, i) => argv[i] === w));
}

function option(argv: string[] | undefined, name: string): string | undefined {
  if (!argv) return undefined;
  const inline = argv.find((a) => a.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** What bash makes of a quoted word. */
function bashValue(word: string): string {
  return execFileSync("bash", ["-c", `printf %s ${word}`], { encoding: "utf8" });
}

describe("shellQuote", () => {
  it.each([
    "vantage",
    "",
    "O'Brien's app",
    'say "hi"',
    "$(touch pwned) `id` ${HOME} $HOME",
    "a\\b; rm -rf / && echo | cat > x",
    "line one\nline two\ttab",
    "-n",
    "ünïcödé ✓",
  ])("bash reads %j back unchanged", (value) => {
    expect(bashValue(shellQuote(value))).toBe(value);
  });

  it("leaves IDs bare, so the printed commands stay readable", () => {
    expect(shellQuote(TENANT)).toBe(TENANT);
    expect(shellQuote(ACCOUNT)).toBe(ACCOUNT);
  });
});

describe("cliScript", () => {
  const hostile = [
    "vantage",
    "O'Brien's \"vantage\"",
    "$(touch pwned) `touch pwned2` ${IFS}",
    "@leading-at=@x",
    "new\nline",
    "--help",
  ];

  it.each(hostile)("is valid bash for the name %j", (name) => {
    const file = path.join(work, "syntax.sh");
    for (const v of [
      values({ appDisplayName: name, secretDescription: name }),
      values({ appDisplayName: name, clientId: CLIENT, servicePrincipalId: SP, billingAccountName: ACCOUNT }),
    ]) {
      fs.writeFileSync(file, cliScript(v));
      expect(spawnSync("bash", ["-n", file]).status).toBe(0);
    }
  });

  it("is strict bash and holds every step's lines, character for character, in the script's order", () => {
    for (const v of [
      values(),
      values({ clientId: CLIENT, servicePrincipalId: SP, billingAccountName: ACCOUNT }),
    ]) {
      const script = cliScript(v);
      expect(script.startsWith("#!/usr/bin/env bash\n")).toBe(true);
      expect(script).toContain("\nset -euo pipefail\n");
      expect(script).toContain(cliPreamble(v));
      expect([...cliStepOrder].sort()).toEqual([...stepIds].sort());
      let at = script.indexOf(cliPreamble(v));
      for (const id of cliStepOrder) {
        const lines = cliLinesForStep(id, v);
        expect(lines.length).toBeGreaterThan(0);
        const found = script.indexOf(lines, at);
        expect(found, id).toBeGreaterThan(at);
        at = found + lines.length;
      }
    }
  });

  it("never names a public-cloud endpoint: they come from az cloud show", () => {
    const script = cliScript(values({ appDisplayName: "O'Brien" }));
    expect(script).not.toMatch(/management\.azure\.com|graph\.microsoft\.com|login\.microsoftonline\.com/);
    expect(script).toContain("az cloud show --query endpoints.resourceManager");
    expect(script).toContain("az cloud show --query endpoints.microsoftGraphResourceId");
  });

  it("pre-fills what the portal knows and skips those look-ups", () => {
    const v = values({ clientId: CLIENT, servicePrincipalId: SP, billingAccountName: ACCOUNT });
    expect(cliPreamble(v)).toContain(`TENANT_ID=${TENANT}`);
    expect(cliLinesForStep("app-registration", v)).toContain(`APP_ID=${CLIENT}`);
    expect(cliLinesForStep("app-registration", v)).toContain(`SP_ID=${SP}`);
    expect(cliLinesForStep("billing-account", v)).toContain(`BILLING_ACCOUNT=${ACCOUNT}`);

    const r = run(cliScript(v));
    expect(r.code, r.stderr).toBe(0);
    expect(call(r.calls, "ad", "app", "create")).toBeUndefined();
    expect(call(r.calls, "ad", "sp", "create")).toBeUndefined();
    expect(r.calls.some((a) => a.some((x) => x.includes("/billingAccounts?")))).toBe(false);
    expect(option(call(r.calls, "ad", "app", "show"), "--id")).toBe(CLIENT);
    expect(r.stdout).toMatch(new RegExp(`Application \\(client\\) ID: +${CLIENT}`));
    expect(r.stdout).toMatch(
      new RegExp(`Billing account ID: +${ACCOUNT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
  });

  it("discovers what is unknown, creates in order and prints the four values with the once-only warning", () => {
    const r = run(cliScript(values()));
    expect(r.code, r.stderr).toBe(0);
    const create = call(r.calls, "ad", "app", "create");
    expect(option(create, "--display-name")).toBe("vantage");
    expect(option(create, "--sign-in-audience")).toBe("AzureADMyOrg");
    expect(option(call(r.calls, "ad", "sp", "list"), "--filter")).toBe(`appId eq '${CLIENT}'`);
    expect(option(call(r.calls, "ad", "sp", "create"), "--id")).toBe(CLIENT);
    const reset = call(r.calls, "ad", "app", "credential", "reset");
    expect(reset).toContain("--append");
    expect(option(reset, "--display-name")).toBe("vantage-secret");
    const end = Date.parse(option(reset, "--end-date")!);
    expect(Math.round((end - Date.now()) / (30.44 * 86_400_000))).toBe(12);
    const post = r.calls.find((a) =>
      a.some((x) => x.endsWith("/createBillingRoleAssignment?api-version=2024-04-01")),
    );
    expect(option(post, "--url")).toBe(
      `https://arm.example/providers/Microsoft.Billing/billingAccounts/${ACCOUNT}/createBillingRoleAssignment?api-version=2024-04-01`,
    );
    expect(JSON.parse(option(post, "--body")!)).toEqual({
      principalId: SP,
      principalTenantId: TENANT,
      roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${ACCOUNT}/billingRoleDefinitions/50000000-aaaa-bbbb-cccc-100000000002`,
    });
    expect(r.stdout).toMatch(new RegExp(`Directory \\(tenant\\) ID: +${TENANT}`));
    expect(r.stdout).toMatch(/Client secret value: +s3cr~t\.value/);
    expect(r.stdout).toContain("shows it only once");
  });

  it("looks for an existing Billing account reader assignment first and creates none when it is there", () => {
    const v = values({ clientId: CLIENT, servicePrincipalId: SP, billingAccountName: ACCOUNT });
    const first = run(cliScript(v));
    const log = path.join(work, `run-${runs}`, "az.log");
    expect(first.calls.filter((a) => a.some((x) => x.includes("/createBillingRoleAssignment")))).toHaveLength(
      1,
    );
    // The same stand-in state: the assignment now exists.
    const again = spawnSync("bash", [path.join(work, `run-${runs}`, "script.sh")], {
      encoding: "utf8",
      env: childEnv({ PATH: `${bin}:${process.env.PATH}`, AZ_LOG: log, AZ_TENANT: TENANT }),
    });
    expect(again.status, again.stderr).toBe(0);
    const calls = fs.readFileSync(log, "utf8").trim().split("\n");
    expect(calls.filter((l) => l.includes("/createBillingRoleAssignment"))).toHaveLength(1);
    expect(again.stdout).toContain("already has Billing account reader");
  });

  it("hands a hostile name to az exactly, executing none of it", () => {
    const name = 'Ops $(touch pwned) `touch pwned2` "x" \\ a=@b ${IFS}';
    const description = 'key $(touch pwned3) "s"';
    const r = run(cliScript(values({ appDisplayName: name, secretDescription: description })));
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(work, `run-${runs}`)).filter((f) => f.startsWith("pwned"))).toEqual([]);
    expect(option(call(r.calls, "ad", "app", "list"), "--filter")).toBe(`displayName eq '${name}'`);
    expect(option(call(r.calls, "ad", "app", "create"), "--display-name")).toBe(name);
    expect(option(call(r.calls, "ad", "app", "credential", "reset"), "--display-name")).toBe(description);
  });

  it("creates a name az ad app create cannot take (a quote, a leading @) with the Graph call itself", () => {
    const name = "@O'Brien's \"app\" x=@y";
    const description = "@secret=@x";
    const r = run(cliScript(values({ appDisplayName: name, secretDescription: description })));
    expect(r.code, r.stderr).toBe(0);
    expect(option(call(r.calls, "ad", "app", "list"), "--filter")).toBe(
      `displayName eq '@O''Brien''s "app" x=@y'`,
    );
    expect(call(r.calls, "ad", "app", "create")).toBeUndefined();
    const create = r.calls.find((a) => option(a, "--url") === "https://graph.example/v1.0/applications");
    expect(option(create, "--resource")).toBe("https://graph.example/");
    const body = option(create, "--body")!;
    expect(body).not.toMatch(/[=@]/);
    expect(JSON.parse(body)).toEqual({ displayName: name, signInAudience: "AzureADMyOrg" });
    const add = r.calls.find(
      (a) => option(a, "--url") === "https://graph.example/v1.0/applications/app-object-id/addPassword",
    );
    expect(option(add, "--body")).not.toMatch(/[=@]/);
    expect(JSON.parse(option(add, "--body")!).passwordCredential.displayName).toBe(description);
  });

  it("stops with the exact az login line when az is not signed in to the tenant, before any change", () => {
    for (const signedIn of ["", "99999999-9999-4999-8999-999999999999"]) {
      const r = run(cliScript(values()), { AZ_TENANT: signedIn });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`  az login --tenant ${TENANT} --allow-no-subscriptions\n`);
      expect(r.calls.map((a) => a.slice(0, 2).join(" "))).toEqual(["account show"]);
    }
  });

  it("stops when az fails mid-way instead of going on with empty values", () => {
    const r = run(cliScript(values()), { AZ_REST_FAILS: "1" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("ERROR: Forbidden");
    expect(call(r.calls, "ad", "app", "create")).toBeUndefined();
    expect(r.calls.filter((a) => a[0] === "rest")).toHaveLength(1);
  });

  it("stops before creating anything unless exactly one active MCA account is found, listing them", () => {
    const two = `${ACCOUNT} Contoso Ltd\n${ACCOUNT.replace("2019", "2020")} Contoso Labs`;
    for (const [accounts, count] of [
      ["", "0"],
      [two, "2"],
    ] as const) {
      const r = run(cliScript(values()), { AZ_ACCOUNTS: accounts });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`Found ${count} active Microsoft Customer Agreement billing accounts`);
      if (accounts) expect(r.stderr).toContain("Contoso Labs");
      expect(call(r.calls, "ad", "app", "create")).toBeUndefined();
    }
  });
});
