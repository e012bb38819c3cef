/**
 * One HTTP POST of a webhook, with the address policy enforced where it matters: on every address the
 * name resolves to (a custom `lookup`, so the socket connects only to an address that was checked, which
 * defeats DNS rebinding between check and use) and on the address the socket actually connected to.
 * Redirects are never followed; the answer's body is not read.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction, Socket } from "node:net";

import { isLoopbackHost, refuseAddress, type WebhookAddressPolicy } from "@/lib/webhooks/address-policy";

export type SendOutcome = {
  /** The HTTP status, when an answer came. */
  status: number | null;
  /** Retry-After of the answer, in milliseconds from now. */
  retryAfterMs: number | null;
  /** Why no answer came: "timeout", a network error, or the address policy's refusal. */
  error: string | null;
  /** The address policy refused the destination: retrying will not help. */
  refused: boolean;
  durationMs: number;
};

class RefusedAddress extends Error {}

function policedLookup(policy: WebhookAddressPolicy, insecure: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family, hints: options.hints }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      const list = addresses as dns.LookupAddress[];
      for (const entry of list) {
        const refused =
          refuseAddress(entry.address, policy) ??
          (insecure && !isLoopbackHost(entry.address) ? `${entry.address} is not a loopback address` : null);
        // Any refused address refuses the name: a rebinding name may answer differently next time.
        if (refused) return callback(new RefusedAddress(`${hostname} resolves to ${refused}`), "", 4);
      }
      if (list.length === 0) return callback(new Error(`${hostname} has no address`), "", 4);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function sendWebhook(input: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: WebhookAddressPolicy;
}): Promise<SendOutcome> {
  const started = performance.now();
  const url = new URL(input.url);
  const insecure = url.protocol === "http:";
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<SendOutcome, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const fail = (error: unknown) => {
      const refused = error instanceof RefusedAddress;
      const message = error instanceof Error ? error.message : String(error);
      finish({ status: null, retryAfterMs: null, error: message.slice(0, 300), refused });
    };
    const request = (insecure ? http : https).request(url, {
      method: "POST",
      agent: false,
      lookup: policedLookup(input.policy, insecure),
      headers: {
        ...input.headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(input.body)),
        "user-agent": "MCA-Connect-Webhooks/1",
      },
    });
    const timer = setTimeout(() => {
      fail(new Error(`no answer within ${Math.round(input.timeoutMs / 1000)} s (timeout)`));
      request.destroy();
    }, input.timeoutMs);
    request.on("socket", (socket: Socket) => {
      const check = () => {
        const address = socket.remoteAddress;
        const refused = address ? refuseAddress(address, input.policy) : "an unknown address";
        if (refused) {
          fail(new RefusedAddress(`connected to ${refused}`));
          request.destroy();
        }
      };
      socket.once("connect", check);
    });
    request.on("response", (response) => {
      finish({
        status: response.statusCode ?? null,
        retryAfterMs: parseRetryAfter(response.headers["retry-after"]),
        error: null,
        refused: false,
      });
      response.destroy();
      request.destroy();
    });
    request.on("error", fail);
    request.end(input.body);
  });
}
