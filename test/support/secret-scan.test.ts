import { randomBytes } from "node:crypto";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { scanForSecrets, type Needle } from "@/test/support/secret-scan";

const token =
  "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const secret = "Xy78Q~abcdefghijklmnopqrstuvwxyz0123456.";
const needles: Needle[] = [
  { kind: "accessToken", value: token },
  { kind: "clientSecret", value: secret },
];

describe("the secret scan finds what it looks for", () => {
  it("finds a secret planted in binary data, in every form and at any place", () => {
    const forms = (value: string) => [
      value,
      JSON.stringify({ value }),
      encodeURIComponent(`x=${value}`),
      Buffer.from(`a${value}`).toString("base64"),
      Buffer.from(`ab${value}`).toString("base64url"),
      Buffer.from(value).toString("base64"),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...needles),
        fc.nat({ max: 5 }),
        fc.nat({ max: 4000 }),
        fc.nat({ max: 300 }),
        (needle, form, before, after) => {
          const planted = Buffer.concat([
            randomBytes(before),
            Buffer.from(forms(needle.value)[form]!),
            randomBytes(after),
          ]);
          const hits = scanForSecrets(needles, [{ name: "planted", data: planted }]);
          expect(hits.map((h) => h.kind)).toContain(needle.kind);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds nothing where nothing is, and refuses needles too short to search", () => {
    const noise = [randomBytes(1 << 20), Buffer.from(`${token.slice(0, -1)} ${secret.slice(1)}`)];
    expect(
      scanForSecrets(
        needles,
        noise.map((data, i) => ({ name: String(i), data })),
      ),
    ).toEqual([]);
    expect(() => scanForSecrets([{ kind: "x", value: "short" }], [])).toThrow(/shorter than 16/);
  });

  it("scans 64 MB against a thousand secrets in seconds", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      kind: "t",
      value: `${randomBytes(40).toString("base64url")}${i}`,
    }));
    const data = randomBytes(64 << 20);
    Buffer.from(many[500]!.value).copy(data, 12_345_678);
    const started = performance.now();
    const hits = scanForSecrets(many, [{ name: "big", data }]);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(hits.map((h) => h.offset)).toContain(12_345_678);
  });
});
