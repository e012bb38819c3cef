/**
 * What can happen to an integration, named once: the outbox records these types (lib/data/
 * integration-events.ts), webhook endpoints subscribe to them (lib/validations/webhooks.ts), the API
 * document describes them (lib/api/openapi.ts) and the pages label them. A new type is one entry here.
 */

export const integrationEvents = {
  "integration.connected": {
    label: "Connected",
    summary: "An integration works: the portal read costs with its credentials",
  },
  "integration.secret_rotated": {
    label: "Secret rotated",
    summary: "The client secret was replaced: read the new one through the API",
  },
  "integration.verification_failing": {
    label: "Verification failing",
    summary: "A working integration stopped working (reason and code in data)",
  },
  "integration.secret_expiring": {
    label: "Secret expiring",
    summary: "The client secret expires soon",
  },
  "integration.disconnected": {
    label: "Disconnected",
    summary: "The integration's Azure objects were removed",
  },
} as const satisfies Record<string, { label: string; summary: string }>;

export type IntegrationEventType = keyof typeof integrationEvents;

export const integrationEventTypes = Object.keys(integrationEvents) as [
  IntegrationEventType,
  ...IntegrationEventType[],
];

/** The Webhooks page's test event: sent to one endpoint, never recorded in the outbox. */
export const testEvent = {
  type: "webhook.test",
  label: "Test event",
  summary: "A test event sent from the Webhooks page",
} as const;

/** Every event's label by its type, the test event's included; an unknown type has none. */
export const eventLabels: Record<string, string> = {
  ...Object.fromEntries(integrationEventTypes.map((type) => [type, integrationEvents[type].label])),
  [testEvent.type]: testEvent.label,
};
