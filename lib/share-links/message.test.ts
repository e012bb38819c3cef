import { describe, expect, it } from "vitest";

import { billingOwnerMessage, shareMessage } from "@/lib/share-links/message";
import { createShareLinkSchema } from "@/lib/validations/share-links";

describe("the note sent with a link", () => {
  it("says who asks, for which account and app, what it takes, the link and until when", () => {
    const text = billingOwnerMessage({
      senderName: "Alex Wilber",
      billingAccountName: "Contoso Ltd",
      appName: "vantage",
      url: "https://connect.example.com/s/abc",
      expiresAt: new Date("2026-12-07T10:00:00Z"),
    });
    expect(text).toContain("“Contoso Ltd”");
    expect(text).toContain("“vantage”");
    expect(text).toContain("Billing account reader");
    expect(text).toContain("https://connect.example.com/s/abc");
    expect(text).toContain("7 December 2026");
    expect(text).toContain("Thanks, Alex Wilber");
  });

  it("tells a viewer only to follow along", () => {
    const text = shareMessage({
      senderName: "Adele",
      url: "u",
      expiresAt: new Date("2026-12-01T00:00:00Z"),
      canAct: false,
    });
    expect(text).toContain("follow the progress");
    expect(text).not.toContain("sign in");
  });
});

describe("share link form", () => {
  const parse = (expiryDays: unknown, scope: unknown = "act") =>
    createShareLinkSchema.safeParse({ onboardingId: "o1", scope, expiryDays });
  const message = (result: ReturnType<typeof parse>) =>
    result.success ? null : result.error.issues[0]!.message;

  it("accepts 1 to 30 days and either scope", () => {
    expect(parse("7").success).toBe(true);
    expect(parse(30, "view").success).toBe(true);
    expect(parse(1).success).toBe(true);
  });

  it("says what to do with a wrong expiry or scope", () => {
    expect(message(parse(31))).toBe("A link can stay valid for at most 30 days.");
    expect(message(parse(0))).toBe("A link must stay valid for at least 1 day.");
    expect(message(parse("2.5"))).toBe("Enter a whole number of days from 1 to 30.");
    expect(message(parse("soon"))).toBe("Enter a number of days from 1 to 30.");
    expect(message(parse(7, "admin"))).toBe("Choose whether the colleague may only view, or also act.");
  });
});
