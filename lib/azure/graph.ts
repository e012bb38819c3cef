/**
 * Microsoft Graph v1.0 calls the steps need, with the signed-in admin's delegated token. Objects are
 * adopted only by keys we set or stored (uniqueName, appId, object id), never by display name.
 */
import { ServiceClient } from "@azure/core-client";

import type { AzureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError } from "@/lib/azure/errors";
import { sendJson } from "@/lib/azure/http";
import { applyRetryRules, type ClientOptions } from "@/lib/azure/pipeline";
import { hardenPipeline, type RefreshableCredential } from "@/lib/azure/resilience";

export type GraphApplication = {
  id: string;
  appId: string;
  displayName: string;
  uniqueName?: string | null;
  /** When Entra created it: how long replication may still explain a missing app. */
  createdDateTime?: string | null;
  passwordCredentials?: GraphPasswordCredential[];
};

export type GraphPasswordCredential = {
  keyId: string;
  displayName?: string | null;
  hint?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  secretText?: string | null;
};

export type GraphServicePrincipal = {
  id: string;
  appId: string;
  displayName?: string;
  appOwnerOrganizationId?: string;
};

export type Traced<T> = T & { requestId?: string };

const appSelect = "id,appId,displayName,uniqueName,createdDateTime,passwordCredentials";

export class GraphClient {
  private readonly client: ServiceClient;
  private readonly base: string;

  /** `deadline` (epoch ms): throttling waits within a call end by then (see pipeline.ts). */
  constructor(credential: RefreshableCredential, endpoints: AzureEndpoints, options: ClientOptions = {}) {
    this.base = `${endpoints.graph.baseUrl}/v1.0`;
    const scopes = [`${endpoints.graph.resource}/.default`];
    this.client = new ServiceClient({
      credential,
      credentialScopes: scopes,
      userAgentOptions: { userAgentPrefix: "mca-connect" },
    });
    applyRetryRules(this.client.pipeline, endpoints.graph.baseUrl, { deadline: options.deadline });
    hardenPipeline(this.client.pipeline, credential, scopes);
  }

  private url(path: string) {
    return `${this.base}${path}`;
  }

  async organization(): Promise<{ id: string; displayName: string }> {
    const res = await sendJson<{ value: { id: string; displayName: string }[] }>(
      this.client,
      "graph",
      "GET",
      this.url("/organization?$select=id,displayName"),
    );
    const org = res.body.value[0];
    if (!org) throw new Error("Graph returned no organization for the signed-in user");
    return org;
  }

  async me(): Promise<{ id: string; userPrincipalName: string; displayName: string }> {
    const res = await sendJson<{ id: string; userPrincipalName: string; displayName: string }>(
      this.client,
      "graph",
      "GET",
      this.url("/me?$select=id,userPrincipalName,displayName"),
    );
    return res.body;
  }

  /** Creates the app if no app carries this uniqueName yet, else leaves it; returns it either way. */
  async upsertApplication(
    uniqueName: string,
    displayName: string,
  ): Promise<Traced<GraphApplication & { created: boolean }>> {
    const res = await sendJson<GraphApplication | undefined>(
      this.client,
      "graph",
      "PATCH",
      this.url(`/applications(uniqueName='${encodeURIComponent(uniqueName)}')`),
      { body: { displayName, signInAudience: "AzureADMyOrg" }, headers: { prefer: "create-if-missing" } },
    );
    if (res.status === 201 && res.body?.appId)
      return { ...res.body, created: true, requestId: res.requestId };
    const app = await this.applicationByUniqueName(uniqueName);
    // Graph wrote to the app but its reads do not find it yet: a new app is still replicating.
    if (!app)
      throw new AzureCallError({
        kind: "consistency",
        service: "graph",
        message: "The app registration exists but Microsoft Entra does not show it yet.",
      });
    return { ...app, created: false, requestId: res.requestId };
  }

  async applicationByUniqueName(uniqueName: string): Promise<GraphApplication | null> {
    try {
      const res = await sendJson<GraphApplication>(
        this.client,
        "graph",
        "GET",
        this.url(`/applications(uniqueName='${encodeURIComponent(uniqueName)}')?$select=${appSelect}`),
      );
      return res.body;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  }

  async application(objectId: string): Promise<GraphApplication | null> {
    try {
      const res = await sendJson<GraphApplication>(
        this.client,
        "graph",
        "GET",
        this.url(`/applications/${objectId}?$select=${appSelect}`),
      );
      return res.body;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  }

  /** Creates the app's service principal if it has none; idempotent by appId. */
  async upsertServicePrincipal(appId: string): Promise<Traced<GraphServicePrincipal & { created: boolean }>> {
    const res = await sendJson<GraphServicePrincipal | undefined>(
      this.client,
      "graph",
      "PATCH",
      this.url(`/servicePrincipals(appId='${appId}')`),
      { body: {}, headers: { prefer: "create-if-missing" } },
    );
    if (res.status === 201 && res.body?.id) return { ...res.body, created: true, requestId: res.requestId };
    const sp = await sendJson<GraphServicePrincipal>(
      this.client,
      "graph",
      "GET",
      this.url(`/servicePrincipals(appId='${appId}')?$select=id,appId,displayName,appOwnerOrganizationId`),
    );
    return { ...sp.body, created: false, requestId: res.requestId };
  }

  /** Not idempotent: the caller looks for an earlier secret (by keyId or marker) before calling. */
  async addPassword(
    objectId: string,
    displayName: string,
    endDateTime: Date,
  ): Promise<Traced<GraphPasswordCredential & { secretText: string }>> {
    const res = await sendJson<GraphPasswordCredential & { secretText: string }>(
      this.client,
      "graph",
      "POST",
      this.url(`/applications/${objectId}/addPassword`),
      {
        body: { passwordCredential: { displayName, endDateTime: endDateTime.toISOString() } },
      },
    );
    return { ...res.body, requestId: res.requestId };
  }

  async removePassword(objectId: string, keyId: string): Promise<{ requestId?: string }> {
    const res = await sendJson(
      this.client,
      "graph",
      "POST",
      this.url(`/applications/${objectId}/removePassword`),
      { body: { keyId } },
    );
    return { requestId: res.requestId };
  }

  /** Removes an object; `gone` when it was already gone (404), which a resumed disconnect expects. */
  private async remove(path: string): Promise<{ requestId?: string; gone: boolean }> {
    const res = await sendJson(this.client, "graph", "DELETE", this.url(path), {
      okStatuses: [204, 200, 404],
    });
    return { requestId: res.requestId, gone: res.status === 404 };
  }

  deleteApplication(objectId: string) {
    return this.remove(`/applications/${objectId}`);
  }

  deleteServicePrincipal(objectId: string) {
    return this.remove(`/servicePrincipals/${objectId}`);
  }
}
