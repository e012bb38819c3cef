/**
 * The onboarding forms' schemas against any input a crafted request can send: never a throw, and
 * every refusal in words a person can act on (never zod's own "Invalid input: expected string").
 * What they accept is storable as it is (PostgreSQL refuses NUL in text) and fits the fields' limits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";

import {
  appNameSchema,
  chooseBillingAccountSchema,
  expirySchema,
  newOnboardingSchema,
  onboardingSettingsSchema,
  stepRequestSchema,
} from "@/lib/validations/onboardings";
import { hostileText, hostileValue, zodDefaultMessage } from "@/test/support/hostile-input";

const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/** Parses, and on refusal checks that each issue says something a person can act on. */
function parse<S extends z.ZodType>(schema: S, input: unknown) {
  const result = schema.safeParse(input);
  if (!result.success)
    for (const issue of result.error.issues) {
      expect(issue.message, JSON.stringify(issue)).not.toMatch(zodDefaultMessage);
      expect(issue.message.length).toBeGreaterThan(10);
    }
  return result;
}

const ids = fc.oneof(hostileValue, fc.constant("cmx2zzlzv0002v07du5007xgz"));
const steps = fc.oneof(
  hostileValue,
  fc.constantFrom("app-registration", "client-secret", "billing-account", "role-assignment", "verify"),
);
const names = fc.oneof(hostileValue, fc.constantFrom("vantage", "  Vantage cost export  ", "Ünïcødé app 🙂"));
const months = fc.oneof(hostileValue, fc.constantFrom("6", "12", "24", 12, " 24 "));

describe("onboarding schemas", () => {
  it("app name: any input gets a name fit for Azure and the database, or a clear message", () => {
    fc.assert(
      fc.property(names, (input) => {
        const result = parse(appNameSchema, input);
        if (!result.success) return;
        expect(result.data).toBe(result.data.trim());
        expect(result.data.length).toBeGreaterThan(0);
        expect(result.data.length).toBeLessThanOrEqual(120);
        expect(result.data).not.toMatch(/[<>]/);
        expect(result.data).not.toMatch(controlCharacter);
      }),
      { numRuns: 300 },
    );
  });

  it("names the mistakes", () => {
    expect(appNameSchema.safeParse("   ").error?.issues[0]?.message).toBe(
      "Enter a name for the app registration.",
    );
    expect(appNameSchema.safeParse("a".repeat(121)).error?.issues[0]?.message).toBe(
      "Use at most 120 characters.",
    );
    expect(appNameSchema.safeParse("<b>").error?.issues[0]?.message).toBe("The name cannot contain < or >.");
    expect(appNameSchema.safeParse("line\nbreak").error?.issues[0]?.message).toMatch(/control characters/);
    expect(appNameSchema.safeParse("nul\u0000").error?.issues[0]?.message).toMatch(/control characters/);
    expect(appNameSchema.safeParse(42).error?.issues[0]?.message).toBe(
      "Enter a name for the app registration.",
    );
    expect(expirySchema.safeParse({ valueOf: 1 }).error?.issues[0]?.message).toBe(
      "Choose 6, 12 or 24 months.",
    );
  });

  it("secret expiry: one of the offered lifetimes, or a clear message", () => {
    fc.assert(
      fc.property(months, (input) => {
        const result = parse(expirySchema, input);
        if (result.success) expect([6, 12, 24]).toContain(result.data);
      }),
      { numRuns: 300 },
    );
  });

  it("new onboarding, settings, billing account and step requests: any fields, any types", () => {
    fc.assert(
      fc.property(
        fc.record({
          appDisplayName: names,
          secretExpiryMonths: months,
          mode: fc.oneof(hostileValue, fc.constantFrom("automated", "manual")),
          onboardingId: ids,
          billingAccountName: fc.oneof(hostileValue, fc.constant("a1a9c77e:a80d3b1f_2019-05-31")),
          stepId: steps,
        }),
        hostileValue,
        (fields, whole) => {
          for (const schema of [
            newOnboardingSchema,
            onboardingSettingsSchema,
            chooseBillingAccountSchema,
            stepRequestSchema,
          ]) {
            for (const input of [fields, whole]) {
              const result = parse(schema, input);
              if (!result.success) continue;
              const data = result.data as Record<string, unknown>;
              if ("onboardingId" in data) expect(data.onboardingId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
              if (typeof data.billingAccountName === "string") {
                expect(data.billingAccountName).not.toMatch(controlCharacter);
                expect(data.billingAccountName.length).toBeLessThanOrEqual(200);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses text no form sends in the hidden fields", () => {
    fc.assert(
      fc.property(hostileText, (id) => {
        const result = parse(stepRequestSchema, { onboardingId: id, stepId: "verify" });
        expect(result.success).toBe(/^[A-Za-z0-9_-]{1,64}$/.test(id));
      }),
    );
  });
});
