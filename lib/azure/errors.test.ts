import { describe, expect, it } from "vitest";

import { AzureCallError, errorFromMsal, errorFromResponse, scrub } from "@/lib/azure/errors";

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

describe("error bodies in every shape", () => {
  it("reads ARM's envelope, keeping Azure's own message and the request id", () => {
    const e = errorFromResponse(
      "arm",
      403,
      { error: { code: "AuthorizationFailed", message: "The client 'x' does not have authorization." } },
      "req-arm",
    );
    expect(e).toMatchObject({
      kind: "permission",
      code: "AuthorizationFailed",
      azureMessage: "The client 'x' does not have authorization.",
      requestId: "req-arm",
    });
  });

  it("reads a flat {code, message}", () => {
    const e = errorFromResponse("arm", 404, {
      code: "NotFound",
      message: "Billing account 'x' was not found.",
    });
    expect(e).toMatchObject({ code: "NotFound", message: "Billing account 'x' was not found.", status: 404 });
  });

  it("reads ASP.NET's validation body, naming each field, and its traceId when no header gave an id", () => {
    const e = errorFromResponse("arm", 400, {
      type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      traceId: "00-abc-def-00",
      errors: {
        "properties.PrincipalId": [
          "PrincipalId or UserEmailAddress/UserAuthenticationType must be specified.",
        ],
        "properties.RoleDefinitionId": ["The RoleDefinitionId field is required."],
      },
    });
    expect(e.kind).toBe("input");
    expect(e.azureMessage).toBe(
      "properties.PrincipalId: PrincipalId or UserEmailAddress/UserAuthenticationType must be specified. properties.RoleDefinitionId: The RoleDefinitionId field is required.",
    );
    expect(e.requestId).toBe("00-abc-def-00");
    expect(e.code).toBe("400");
  });

  it("reads problem details without validation errors", () => {
    const e = errorFromResponse("arm", 403, {
      title: "AuthorizationFailed",
      status: 403,
      detail: "Not allowed.",
    });
    expect(e).toMatchObject({
      kind: "permission",
      code: "AuthorizationFailed",
      azureMessage: "Not allowed.",
    });
  });

  it("reads Graph's innerError request id when the header is missing", () => {
    const e = errorFromResponse("graph", 404, {
      error: {
        code: "Request_ResourceNotFound",
        message:
          "Resource 'x' does not exist or one of its queried reference-property objects are not present.",
        innerError: { date: "2026-01-01T00:00:00", "request-id": "graph-req", "client-request-id": "c" },
      },
    });
    expect(e.requestId).toBe("graph-req");
    expect(e.code).toBe("Request_ResourceNotFound");
  });

  it("reads the older directory body (odata.error) and Entra's token errors", () => {
    const aad = errorFromResponse("graph", 403, {
      "odata.error": {
        code: "Authorization_RequestDenied",
        message: { lang: "en", value: "Insufficient privileges to complete the operation." },
        requestId: "aad-req",
      },
    });
    expect(aad).toMatchObject({
      code: "Authorization_RequestDenied",
      azureMessage: "Insufficient privileges to complete the operation.",
      requestId: "aad-req",
    });
    const entra = errorFromResponse("entra", 401, {
      error: "invalid_client",
      error_description:
        "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t-1\r\nCorrelation ID: c-1",
      error_codes: [7000215],
      trace_id: "t-1",
      correlation_id: "c-1",
    });
    expect(entra).toMatchObject({
      code: "AADSTS7000215",
      azureMessage: "AADSTS7000215: Invalid client secret provided.",
      requestId: "t-1",
    });
  });

  it("keeps a plain-text body, and says something for an empty one", () => {
    expect(errorFromResponse("arm", 502, "Bad Gateway").azureMessage).toBe("Bad Gateway");
    expect(errorFromResponse("arm", 503, undefined).message).toBe("Azure answered HTTP 503 with no message.");
  });

  it("keeps Azure's message when a step replaces the message with its own words", () => {
    const e = errorFromResponse("arm", 403, { error: { code: "AuthorizationFailed", message: "No." } }, "r");
    const json = new AzureCallError({ ...e.toJSON(), message: "Ask your billing account owner." }).toJSON();
    expect(json).toMatchObject({
      message: "Ask your billing account owner.",
      azureMessage: "No.",
      requestId: "r",
    });
  });
});

describe("MSAL errors", () => {
  it("keep Entra's trace id as the request id", () => {
    const e = errorFromMsal({
      errorCode: "invalid_client",
      errorMessage:
        "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'. Trace ID: 1111 Correlation ID: 2222 Timestamp: 2026-01-01",
    });
    expect(e.requestId).toBe("1111");
    expect(e.azureMessage).toMatch(/^AADSTS700016: Application with identifier/);
  });
});
