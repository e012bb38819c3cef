import { afterEach, describe, expect, it } from "vitest";

import { money, utcDate, utcDateTime, utcTime } from "@/lib/format";

describe("dates and times", () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });

  it("writes a date and time with its time zone, the same for a Date, an ISO string and epoch ms", () => {
    const at = "2026-12-07T11:34:05.123Z";
    expect(utcDateTime(new Date(at))).toBe("7 Dec 2026, 11:34 UTC");
    expect(utcDateTime(at)).toBe("7 Dec 2026, 11:34 UTC");
    expect(utcDateTime(Date.parse(at))).toBe("7 Dec 2026, 11:34 UTC");
    expect(utcDateTime(at, { seconds: true })).toBe("7 Dec 2026, 11:34:05 UTC");
    expect(utcTime(at)).toBe("11:34 UTC");
    expect(utcDate(at)).toBe("7 December 2026");
  });

  it("keeps the UTC day for an instant near midnight, whatever the machine's time zone", () => {
    // 23:59 UTC on 31 December is already 1 January in Auckland and still 31 December in Honolulu.
    for (const tz of ["Pacific/Auckland", "Pacific/Honolulu", "UTC"]) {
      process.env.TZ = tz;
      expect(utcDateTime("2026-12-31T23:59:59Z")).toBe("31 Dec 2026, 23:59 UTC");
      expect(utcDate("2026-12-31T23:59:59Z")).toBe("31 December 2026");
      expect(utcDate("2027-01-01T00:00:00Z")).toBe("1 January 2027");
    }
  });

  it("pads hours and minutes, and leaves the day unpadded", () => {
    expect(utcDateTime("2026-03-02T04:05:06Z", { seconds: true })).toBe("2 Mar 2026, 04:05:06 UTC");
    expect(utcDateTime("2026-03-02T00:00:00Z")).toBe("2 Mar 2026, 00:00 UTC");
  });

  it("writes nothing for a missing or unreadable value rather than 'Invalid Date'", () => {
    expect(utcDateTime(null)).toBe("");
    expect(utcDate(undefined)).toBe("");
    expect(utcDateTime("not a date")).toBe("");
    expect(utcDate("not a date")).toBe("");
    expect(utcTime(Number.NaN)).toBe("");
  });
});

describe("amounts", () => {
  it("writes cents and the currency's symbol, with thousands grouped", () => {
    expect(money(1234.5, "USD")).toBe("$1,234.50");
    expect(money(12, "EUR")).toBe("€12.00");
    expect(money(0.07, "GBP")).toBe("£0.07");
  });

  it("writes the bare amount with two decimals when Azure did not name the currency", () => {
    expect(money(12.345, null)).toBe("12.35");
    expect(money(3, undefined)).toBe("3.00");
  });
});
