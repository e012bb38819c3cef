/**
 * The background progression against a real (in-process) Azure emulator: the Vantage emulator signs in
 * as the app with the credentials it was given and reads the billing accounts, as Vantage does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { account, api, azureApp, startAzure, startVantage, vControl, waitForStatus } from "./helpers";
import type { RunningEmulator } from "../../src/server";
import { clientCredentials } from "../../test/helpers";
import type { RunningVantageEmulator } from "../src/server";

let azure: RunningEmulator;
let v: RunningVantageEmulator;

beforeAll(async () => {
  azure = await startAzure();
  v = await startVantage(azure, { delays: "test" });
});
afterAll(async () => {
  await v?.close();
  await azure?.close();
});

describe("an Azure integration's status", () => {
  it("goes pending -> importing -> imported with working credentials, and its password signs in as the app", async () => {
    const app = await azureApp(azure);
    const a = await account(v);
    const created = await api(v, a.write)("POST", "/integrations/azure", {
      tenant: app.tenantId,
      app_id: app.appId,
      password: app.secret,
    });
    expect(created.body.status).toBe("pending");
    const seen = await waitForStatus(v, a.read, created.body.token, ["imported", "error"]);
    expect(seen).toEqual(["pending", "importing", "imported"]);
    const final = await api(v, a.read)("GET", `/integrations/${created.body.token}`);
    expect(final.body.last_updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const state = await vControl(v).state();
    const held = state.integrations.find((i: { token: string }) => i.token === created.body.token);
    expect(held.history.map((h: { status: string }) => h.status)).toEqual([
      "pending",
      "importing",
      "imported",
    ]);
    expect(held.error).toBeNull();
    const signIn = await clientCredentials(azure, held.tenant, held.app_id, held.password);
    expect(signIn.status).toBe(200);
    // It really signed in at Entra: the Azure emulator saw a token request for this tenant.
    const azureState = await (await fetch(`${azure.baseUrl}/_emulator/tenants/${app.tenantId}/state`)).json();
    expect(JSON.stringify(azureState.requests)).toMatch(/oauth2\/v2\.0\/token/);
  });

  it("goes to error, and stays there, with a wrong password; the reason names Entra's refusal, never the password", async () => {
    const app = await azureApp(azure);
    const a = await account(v);
    const wrong = `${app.secret}-wrong`;
    const created = await api(v, a.write)("POST", "/integrations/azure", {
      tenant: app.tenantId,
      app_id: app.appId,
      password: wrong,
    });
    const seen = await waitForStatus(v, a.read, created.body.token, ["imported", "error"]);
    expect(seen).toEqual(["pending", "error"]);
    const held = (await vControl(v).state()).integrations.find(
      (i: { token: string }) => i.token === created.body.token,
    );
    expect(held.error).toMatch(
      /^Azure AD did not accept the app's credentials \(invalid_client\).*AADSTS7000215/,
    );
    expect(held.error).not.toContain(wrong);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await api(v, a.read)("GET", `/integrations/${created.body.token}`)).body.status).toBe("error");
  });

  it("goes to error when the app signs in but holds no billing role", async () => {
    const app = await azureApp(azure, { billingRole: false });
    const a = await account(v);
    const created = await api(v, a.write)("POST", "/integrations/azure", {
      tenant: app.tenantId,
      app_id: app.appId,
      password: app.secret,
    });
    expect(await waitForStatus(v, a.read, created.body.token, ["imported", "error"])).toEqual([
      "pending",
      "error",
    ]);
    const held = (await vControl(v).state()).integrations.find(
      (i: { token: string }) => i.token === created.body.token,
    );
    expect(held.error).toMatch(/can read no billing account/);
  });

  it("retries while Azure answers 503, then imports", async () => {
    const app = await azureApp(azure);
    const a = await account(v);
    const fault = await fetch(`${azure.baseUrl}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: `^/${app.tenantId}/oauth2/v2.0/token$`, status: 503, count: 1 }),
    });
    expect(fault.status).toBe(201);
    const created = await api(v, a.write)("POST", "/integrations/azure", {
      tenant: app.tenantId,
      app_id: app.appId,
      password: app.secret,
    });
    expect(await waitForStatus(v, a.read, created.body.token, ["imported", "error"])).toEqual([
      "pending",
      "importing",
      "imported",
    ]);
    const faults = await (await fetch(`${azure.baseUrl}/_emulator/faults`)).json();
    expect(faults.value).toContainEqual(expect.objectContaining({ status: 503, hits: 1 }));
  });

  it("stops progressing once deleted", async () => {
    const app = await azureApp(azure);
    const a = await account(v);
    const created = await api(v, a.write)("POST", "/integrations/azure", {
      tenant: app.tenantId,
      app_id: app.appId,
      password: app.secret,
    });
    expect((await api(v, a.write)("DELETE", `/integrations/${created.body.token}`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const held = (await vControl(v).state()).integrations.find(
      (i: { token: string }) => i.token === created.body.token,
    );
    expect(held.deleted_at).not.toBeNull();
    expect(held.history.map((h: { status: string }) => h.status)).toEqual(["pending"]);
  });
});
