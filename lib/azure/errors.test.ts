import { describe, expect, it } from "vitest";

import { errorFromMsal, errorFromResponse, scrub } from "@/lib/azure/errors";

describe("scrub", () => {
  it("removes tokens and secret-shaped values from service messages", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl";
    const out = scrub(`Bearer ${jwt} failed; client_secret=abc123XYZ and "secretText":"Zx9~value"`, [
      "knownvalue",
    ]);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain("abc123XYZ");
    expect(out).not.toContain("Zx9~value");
    expect(scrub("the secret is knownvalue", ["knownvalue"])).toBe("the secret is [redacted]");
  });
});

describe("errorFromResponse", () => {
  it("classifies Graph replication errors as eventual consistency", () => {
    const e = errorFromResponse(
      "graph",
      400,
      {
        error: {
          code: "Request_BadRequest",
          message: "The appId 'x' of the service principal does not reference a valid application object.",
        },
      },
      "req-1",
    );
    expect(e.kind).toBe("consistency");
    expect(e.requestId).toBe("req-1");
  });

  it("classifies refusals, throttling and policy", () => {
    expect(
      errorFromResponse("graph", 403, {
        error: {
          code: "Authorization_RequestDenied",
          message: "Insufficient privileges to complete the operation.",
        },
      }).kind,
    ).toBe("permission");
    expect(errorFromResponse("arm", 429, {}).kind).toBe("transient");
    expect(
      errorFromResponse("graph", 400, {
        error: { code: "CredentialInvalidLifetimeAsPerAppPolicy", message: "lifetime too long" },
      }).kind,
    ).toBe("policy");
  });
});

describe("errorFromMsal", () => {
  it("reads a not-yet-valid secret as propagation, keeping only the first line", () => {
    const e = errorFromMsal({
      errorCode: "invalid_client",
      errorMessage: "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: abc",
    });
    expect(e.kind).toBe("consistency");
    expect(e.code).toBe("AADSTS7000215");
    expect(e.message).toBe("AADSTS7000215: Invalid client secret provided.");
  });
});
