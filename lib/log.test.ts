import { Writable } from "node:stream";

import pino from "pino";
import { describe, expect, it } from "vitest";

import { redactPaths } from "@/lib/log";

describe("log redaction", () => {
  it("never writes secrets or tokens, at the top level or nested", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ redact: { paths: redactPaths, censor: "[redacted]" } }, sink);
    log.info({
      secretText: "s1",
      accessToken: "t1",
      nested: { client_secret: "s2", refresh_token: "t2" },
      deep: { a: { password: "p" } },
      keep: "ok",
    });
    const out = lines.join("");
    for (const value of ['"s1"', '"t1"', '"s2"', '"t2"', '"p"']) expect(out).not.toContain(value);
    expect(out).toContain('"keep":"ok"');
  });
});
