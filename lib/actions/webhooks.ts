"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  queueTestDelivery,
  redeliver,
  rotateWebhookSecret,
  WebhookEndpointDisabledError,
  WebhookEndpointNotFoundError,
  WebhookNotAllowedError,
} from "@/lib/data/webhooks";
import { getEnv } from "@/lib/env";
import {
  createWebhookEndpointSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from "@/lib/validations/webhooks";
import { checkWebhookUrl } from "@/lib/webhooks/address-policy";
import { buildWebhookPayload } from "@/lib/webhooks/payload";
import { newWebhookSecret } from "@/lib/webhooks/signing";

const page = "/settings/webhooks";

/** Shown once, when made or rotated: the receiver verifies signatures with it. */
export type NewWebhookSecret = { id: string; url: string; secret: string };

function expected(error: unknown): { ok: false; message: string } | null {
  if (
    error instanceof WebhookNotAllowedError ||
    error instanceof WebhookEndpointNotFoundError ||
    error instanceof WebhookEndpointDisabledError
  )
    return { ok: false, message: error.message };
  return null;
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
  return withActor(
    createWebhookEndpointSchema,
    endpointForm(formData),
    async (actor, input): Promise<ActionResult<NewWebhookSecret>> => {
      const checked = checkWebhookUrl(input.url, getEnv().webhooks);
      if (!checked.ok)
        return { ok: false, message: checked.message, fieldErrors: { url: [checked.message] } };
      const secret = newWebhookSecret();
      try {
        const endpoint = await createWebhookEndpoint(actor, {
          url: checked.url,
          eventTypes: input.eventTypes,
          description: input.description,
          secret,
        });
        revalidatePath(page);
        return { ok: true, data: { id: endpoint.id, url: endpoint.url, secret } };
      } catch (error) {
        const known = expected(error);
        if (known) return known;
        throw error;
      }
    },
  );
}

export async function rotateWebhookSecretAction(
  _prev: ActionResult<NewWebhookSecret> | null,
  formData: FormData,
): Promise<ActionResult<NewWebhookSecret>> {
  return withActor(
    webhookEndpointSchema,
    formValues(formData),
    async (actor, { endpointId }): Promise<ActionResult<NewWebhookSecret>> => {
      const secret = newWebhookSecret();
      try {
        const endpoint = await rotateWebhookSecret(actor, endpointId, secret);
        revalidatePath(page);
        return { ok: true, data: { ...endpoint, secret } };
      } catch (error) {
        const known = expected(error);
        if (known) return known;
        throw error;
      }
    },
  );
}

export async function disableWebhookEndpointAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    webhookEndpointSchema,
    formValues(formData),
    async (actor, { endpointId }): Promise<ActionResult> => {
      try {
        await disableWebhookEndpoint(actor, endpointId);
      } catch (error) {
        const known = expected(error);
        if (known) return known;
        throw error;
      }
      revalidatePath(page);
      return { ok: true, data: undefined, message: "Disabled." };
    },
  );
}

export async function deleteWebhookEndpointAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    webhookEndpointSchema,
    formValues(formData),
    async (actor, { endpointId }): Promise<ActionResult> => {
      try {
        await deleteWebhookEndpoint(actor, endpointId);
      } catch (error) {
        const known = expected(error);
        if (known) return known;
        throw error;
      }
      revalidatePath(page);
      return { ok: true, data: undefined, message: "Deleted." };
    },
  );
}

/** Queues a `webhook.test` event to one endpoint: it appears in the deliveries within seconds. */
export async function sendTestWebhookAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    webhookEndpointSchema,
    formValues(formData),
    async (actor, { endpointId }): Promise<ActionResult> => {
      try {
        await queueTestDelivery(actor, endpointId, (eventId, tenantId) =>
          buildWebhookPayload({
            id: eventId,
            type: "webhook.test",
            createdAt: new Date(),
            data: { tenantId, endpointId, message: "A test event from MCA Connect." },
          }),
        );
      } catch (error) {
        const known = expected(error);
        if (known) return known;
        throw error;
      }
      revalidatePath(page);
      return { ok: true, data: undefined, message: "Test event queued." };
    },
  );
}

export async function redeliverWebhookAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    webhookDeliverySchema,
    formValues(formData),
    async (actor, { deliveryId }): Promise<ActionResult> => {
      try {
        await redeliver(actor, deliveryId);
      } catch (error) {
        const known = expected(error);
        if (known) return known;
        throw error;
      }
      revalidatePath(page);
      return { ok: true, data: undefined, message: "Queued again." };
    },
  );
}
