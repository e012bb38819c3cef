import { describe, expect, it } from "vitest";

import { summarizeCost } from "@/lib/azure/arm";

describe("summarizeCost", () => {
  it("reads the column named after the aggregation's source, as Cost Management names it", () => {
    // Microsoft's BillingAccountQueryGrouping example: alias totalCost over PreTaxCost -> column PreTaxCost.
    const s = summarizeCost(
      [
        { name: "PreTaxCost", type: "Number" },
        { name: "ResourceGroup", type: "String" },
        { name: "Currency", type: "String" },
      ],
      [
        [19.5, "a", "USD"],
        [173.4, "b", "USD"],
      ],
      "PreTaxCost",
    );
    expect(s).toMatchObject({ amount: 192.9, currency: "USD", rows: 2 });
  });

  it("falls back to the alias and to the other cost columns, never to a date", () => {
    expect(
      summarizeCost(
        [
          { name: "UsageDate", type: "Number" },
          { name: "totalCost", type: "Number" },
          { name: "BillingCurrency", type: "String" },
        ],
        [[20261101, 12.345, "EUR"]],
      ),
    ).toMatchObject({ amount: 12.35, currency: "EUR" });
  });

  it("reads no rows as nothing spent, currency unknown", () => {
    expect(summarizeCost([{ name: "Cost" }, { name: "Currency" }], [])).toMatchObject({
      amount: 0,
      currency: null,
      rows: 0,
    });
  });
});
