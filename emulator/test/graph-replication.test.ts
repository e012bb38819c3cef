/**
 * Graph right after an application is created, as public reports show it: for a while addPassword,
 * PATCH or GET of the new app may answer 404 Request_ResourceNotFound (msgraph-sdk-dotnet#3108), and
 * creating its service principal may answer the misleading 403 Authorization_RequestDenied "the backing
 * application of the service principal being created must in the local tenant" (terraform-provider-
 * azuread#992, azure-cli#28009). Both are the default; switches play the kinder alternatives.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { control, graph, seedFast, sleep, startTestEmulator } from "./helpers";
import type { ScenarioSpec, SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

async function adminGraph(t: SeedResult) {
  const token = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users.admin!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All"],
  });
  return graph(emu, token);
}

const replicating = (extra: ScenarioSpec["settings"] = {}): ScenarioSpec => ({
  preset: "contoso",
  settings: { ...extra, delays: { appReplicationMs: 700 } },
});

describe("Graph right after an app is created", () => {
  it("answers 404 to GET, PATCH, addPassword and removePassword of the new app until it replicates", async () => {
    const t = await seedFast(emu, replicating());
    const g = await adminGraph(t);
    const app = (
      await g(
        "PATCH",
        `/applications(uniqueName='mca-connect-1')`,
        { displayName: "vantage" },
        {
          Prefer: "create-if-missing",
        },
      )
    ).body;
    const notFound = (r: { status: number; body: any }) => {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("Request_ResourceNotFound");
      expect(r.body.error.message).toContain(
        "does not exist or one of its queried reference-property objects",
      );
    };
    notFound(await g("GET", `/applications/${app.id}`));
    notFound(await g("GET", `/applications(uniqueName='mca-connect-1')`));
    notFound(await g("PATCH", `/applications/${app.id}`, { notes: "x" }));
    notFound(await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: {} }));
    notFound(await g("POST", `/applications/${app.id}/removePassword`, { keyId: app.id }));
    // The upsert on its alternate key reaches the object it just wrote: updated, not created twice.
    const again = await g(
      "PATCH",
      `/applications(uniqueName='mca-connect-1')`,
      { displayName: "vantage" },
      {
        Prefer: "create-if-missing",
      },
    );
    expect(again.status).toBe(204);
    expect((await control(emu).state(t.tenantId)).applications).toHaveLength(1);
    await sleep(750);
    expect((await g("GET", `/applications/${app.id}`)).status).toBe(200);
    expect((await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: {} })).status).toBe(
      200,
    );
  });

  it("answers the misleading 403 to creating the new app's service principal until it replicates", async () => {
    const t = await seedFast(emu, replicating());
    const g = await adminGraph(t);
    const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
    for (const r of [
      await g("POST", "/servicePrincipals", { appId: app.appId }),
      await g("PATCH", `/servicePrincipals(appId='${app.appId}')`, {}, { Prefer: "create-if-missing" }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("Authorization_RequestDenied");
      expect(r.body.error.message).toBe(
        "When using this permission, the backing application of the service principal being created must in the local tenant",
      );
    }
    await sleep(750);
    expect((await g("POST", "/servicePrincipals", { appId: app.appId })).status).toBe(201);
  });

  it("plays the alternatives: reads that see the new app at once, and 400 for the unreplicated appId", async () => {
    const t = await seedFast(
      emu,
      replicating({ graphReadAfterCreate: "consistent", graphSpReplicationError: "bad-request" }),
    );
    const g = await adminGraph(t);
    const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
    expect((await g("GET", `/applications/${app.id}`)).status).toBe(200);
    expect((await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: {} })).status).toBe(
      200,
    );
    const sp = await g("POST", "/servicePrincipals", { appId: app.appId });
    expect(sp.status).toBe(400);
    expect(sp.body.error.message).toBe(
      `The appId '${app.appId}' of the service principal does not reference a valid application object.`,
    );
  });

  it("still answers 400 for an appId that names no application at all", async () => {
    const t = await seedFast(emu, replicating());
    const g = await adminGraph(t);
    const r = await g("POST", "/servicePrincipals", { appId: "00000000-0000-0000-0000-00000000abcd" });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("Request_BadRequest");
  });
});
