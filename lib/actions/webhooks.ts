"use server";

import { revalidatePath } from "next/cache";

import { formValues, withOperator, type ActionResult } from "@/lib/actions/safe-action";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  enableWebhookEndpoint,
  queueTestDelivery,
  redeliver,
  rotateWebhookSecret,
} from "@/lib/data/webhooks";
import { getEnv } from "@/lib/env";
import {
  createWebhookEndpointSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from "@/lib/validations/webhooks";
import type { Actor } from "@/lib/view-types";
import { checkWebhookUrl } from "@/lib/webhooks/address-policy";
import { buildWebhookPayload } from "@/lib/webhooks/payload";
import { newWebhookSecret } from "@/lib/webhooks/signing";

const page = "/settings/webhooks";

/** Shown once, when made or rotated: the receiver verifies signatures with it. */
export type NewWebhookSecret = { id: string; url: string; secret: string };

/** A change's answer; a success revalidates the page. */
function revalidated<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath(page);
  return result;
}

/** One operation on one endpoint, the form's `endpointId`. */
function onEndpoint<T>(
  formData: unknown,
  operation: (actor: Actor, endpointId: string) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  return withOperator(
    "manage webhooks",
    webhookEndpointSchema,
    formValues(formData),
    async (actor, { endpointId }) => revalidated(await operation(actor, endpointId)),
  );
}

function done(message: string): ActionResult {
  return { ok: true, data: undefined, message };
}

/** The form's fields, with every checked event type (a form sends one value per checked box). */
function endpointForm(formData: unknown): Record<string, string> {
  const values = formValues(formData);
  if (formData instanceof FormData)
    values.eventTypes = formData
      .getAll("eventTypes")
      .filter((value): value is string => typeof value === "string")
      .join(",");
  return values;
}

export async function createWebhookEndpointAction(
  _prev: ActionResult<NewWebhookSecret> | null,
  formData: FormData,
): Promise<ActionResult<NewWebhookSecret>> {
  return withOperator(
    "manage webhooks",
    createWebhookEndpointSchema,
    endpointForm(formData),
    async (actor, input): Promise<ActionResult<NewWebhookSecret>> => {
      const checked = checkWebhookUrl(input.url, getEnv().webhooks);
      if (!checked.ok)
        return { ok: false, message: checked.message, fieldErrors: { url: [checked.message] } };
      const secret = newWebhookSecret();
      const endpoint = await createWebhookEndpoint(actor, {
        url: checked.url,
        eventTypes: input.eventTypes,
        description: input.description,
        secret,
        ...(input.allTenants
          ? { allTenants: true as const }
          : { allTenants: false as const, tenantIds: input.tenantIds }),
      });
      revalidatePath(page);
      return { ok: true, data: { id: endpoint.id, url: endpoint.url, secret } };
    },
  );
}

export async function rotateWebhookSecretAction(
  _prev: ActionResult<NewWebhookSecret> | null,
  formData: FormData,
): Promise<ActionResult<NewWebhookSecret>> {
  return onEndpoint(formData, async (actor, endpointId) => {
    const secret = newWebhookSecret();
    const endpoint = await rotateWebhookSecret(actor, endpointId, secret);
    return { ok: true, data: { ...endpoint, secret } };
  });
}

export async function disableWebhookEndpointAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return onEndpoint(formData, async (actor, endpointId) => {
    await disableWebhookEndpoint(actor, endpointId);
    return done("Disabled.");
  });
}

/** Sends to a disabled endpoint again; what happened while it was disabled is not sent. */
export async function enableWebhookEndpointAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return onEndpoint(formData, async (actor, endpointId) => {
    await enableWebhookEndpoint(actor, endpointId);
    return done("Enabled.");
  });
}

export async function deleteWebhookEndpointAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return onEndpoint(formData, async (actor, endpointId) => {
    await deleteWebhookEndpoint(actor, endpointId);
    return done("Deleted.");
  });
}

/** Queues a `webhook.test` event to one endpoint: it appears in the deliveries within seconds. */
export async function sendTestWebhookAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return onEndpoint(formData, async (actor, endpointId) => {
    await queueTestDelivery(actor, endpointId, (eventId) =>
      buildWebhookPayload({
        id: eventId,
        type: "webhook.test",
        createdAt: new Date(),
        data: { endpointId, message: "A test event from MCA Connect." },
      }),
    );
    return done("Test event queued.");
  });
}

export async function redeliverWebhookAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withOperator(
    "manage webhooks",
    webhookDeliverySchema,
    formValues(formData),
    async (actor, { deliveryId }) => {
      await redeliver(actor, deliveryId);
      revalidatePath(page);
      return done("Queued again.");
    },
  );
}
