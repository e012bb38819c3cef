/**
 * The share form's schemas against any input a crafted request can send: never a throw, every refusal
 * in words a person can act on, and what passes is a whole number of days within the limits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";

import {
  askBillingOwnerSchema,
  createShareLinkSchema,
  revokeShareLinkSchema,
  shareLinkMaxDays,
} from "@/lib/validations/share-links";
import { hostileValue, zodDefaultMessage } from "@/test/support/hostile-input";

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

describe("share schemas", () => {
  it("a new link: any fields, any types, get a link spec within the limits or a clear message", () => {
    fc.assert(
      fc.property(
        fc.record({
          onboardingId: ids,
          scope: fc.oneof(hostileValue, fc.constantFrom("view", "act")),
          expiryDays: fc.oneof(hostileValue, fc.integer({ min: -5, max: 40 }).map(String), fc.constant("7")),
        }),
        hostileValue,
        (fields, whole) => {
          for (const input of [fields, whole]) {
            const result = parse(createShareLinkSchema, input);
            if (!result.success) continue;
            expect(["view", "act"]).toContain(result.data.scope);
            expect(Number.isInteger(result.data.expiryDays)).toBe(true);
            expect(result.data.expiryDays).toBeGreaterThanOrEqual(1);
            expect(result.data.expiryDays).toBeLessThanOrEqual(shareLinkMaxDays);
            expect(result.data.onboardingId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("revoking and asking the billing owner: ids only", () => {
    fc.assert(
      fc.property(fc.record({ onboardingId: ids, linkId: ids }), hostileValue, (fields, whole) => {
        for (const input of [fields, whole]) {
          for (const schema of [revokeShareLinkSchema, askBillingOwnerSchema]) {
            const result = parse(schema, input);
            if (!result.success) continue;
            for (const value of Object.values(result.data)) expect(value).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("names the mistakes in the days field", () => {
    const days = (value: unknown) =>
      createShareLinkSchema.safeParse({ onboardingId: "x", scope: "act", expiryDays: value }).error?.issues[0]
        ?.message;
    expect(days("45")).toBe("A link can stay valid for at most 30 days.");
    expect(days("0")).toBe("A link must stay valid for at least 1 day.");
    expect(days("1.5")).toBe("Enter a whole number of days from 1 to 30.");
    expect(days("seven")).toBe("Enter a number of days from 1 to 30.");
    expect(days({ valueOf: 1 })).toBe("Enter a number of days from 1 to 30.");
    expect(days(["7"])).toBe("Enter a number of days from 1 to 30.");
  });
});
