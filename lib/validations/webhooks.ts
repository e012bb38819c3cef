import { z } from "zod";

import { integrationEventTypes } from "@/lib/integrations/events";
import { tenantIdList } from "@/lib/validations/api-keys";
import { formId, formUnreadable, printable } from "@/lib/validations/onboardings";

/** Types an endpoint may subscribe to: every event the outbox records. */
export const subscribableEventTypes = integrationEventTypes;

const urlMessage = "Enter the receiver's full URL, e.g. https://costs.example.com/webhooks/mca.";

const url = z
  .string({ message: urlMessage })
  .trim()
  .min(1, urlMessage)
  .max(2000, "Use a URL of at most 2000 characters.")
  .regex(printable, "A URL has no line breaks or control characters.")
  .regex(/^https?:\/\/[^\s]+$/i, urlMessage);

const eventTypesMessage = "Choose at least one event to send.";

/** The checked boxes, joined with commas by the action (a form sends one value per box). */
const eventTypes = z
  .string({ message: eventTypesMessage })
  .transform((value) => [...new Set(value.split(",").filter(Boolean))])
  .refine((list) => list.length > 0, eventTypesMessage)
  .refine(
    (list) => list.every((type) => (subscribableEventTypes as readonly string[]).includes(type)),
    "Choose among the events listed.",
  );

const description = z
  .string({ message: "Describe the endpoint in at most 200 characters." })
  .trim()
  .max(200, "Describe the endpoint in at most 200 characters.")
  .regex(printable, "Use letters, digits and punctuation only: no line breaks or control characters.")
  .optional()
  .transform((value) => (value ? value : null));

const reach = z.enum(["all-tenants", "tenants"], {
  message: "Choose whose events it receives: every tenant's, or the tenants you list.",
});

export const createWebhookEndpointSchema = z
  .object({ url, eventTypes, description, reach, tenantIds: tenantIdList }, { error: formUnreadable })
  .transform((value, ctx) => {
    const { reach: chosen, tenantIds, ...rest } = value;
    if (chosen === "all-tenants") return { ...rest, allTenants: true as const, tenantIds: [] as string[] };
    if (tenantIds.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["tenantIds"],
        message: "List at least one tenant id, one per line.",
      });
    return { ...rest, allTenants: false as const, tenantIds };
  });

export const webhookEndpointSchema = z.object(
  { endpointId: formId("webhookEndpoint") },
  { error: formUnreadable },
);

export const webhookDeliverySchema = z.object(
  { deliveryId: formId("webhookDelivery") },
  { error: formUnreadable },
);
