import { describe, expect, it } from "vitest";

import { safeCallbackPath } from "@/lib/http/safe-redirect";

const origin = "http://localhost:3000";

describe("safeCallbackPath", () => {
  it("keeps paths on the portal's own origin, with their query and fragment", () => {
    expect(safeCallbackPath("/onboardings/abc", origin)).toBe("/onboardings/abc");
    expect(safeCallbackPath("/shared/x?y=1#z", origin)).toBe("/shared/x?y=1#z");
  });

  it.each([
    ["/\\evil.example", "backslash (the %5C form once decoded)"],
    ["/\t/evil.example", "tab (the %09 form once decoded)"],
    ["//evil.example", "protocol-relative"],
    ["/\\/evil.example", "backslash then slash"],
    ["https://evil.example/x", "absolute URL"],
    ["http://localhost:3000.evil.example/", "look-alike host"],
    ["javascript:alert(1)", "script URL"],
    ["", "empty"],
    ["onboardings", "not a path"],
  ])("refuses %j (%s)", (value) => {
    expect(safeCallbackPath(value, origin)).toBe("/onboardings");
  });

  it("refuses what is not a string, and very long values", () => {
    expect(safeCallbackPath(["/a"], origin)).toBe("/onboardings");
    expect(safeCallbackPath(undefined, origin)).toBe("/onboardings");
    expect(safeCallbackPath(`/${"a".repeat(3000)}`, origin)).toBe("/onboardings");
  });
});
