/**
 * Where the portal may send webhooks. Endpoints are set by tenant admins of a possibly multi-tenant
 * portal, so a URL must not reach the portal's own network (SSRF): https only; no private, loopback,
 * link-local, shared, documentation, multicast or reserved address, unless the operator allows it
 * (WEBHOOK_ALLOWED_NETWORKS, CIDR list); plain http to a loopback address only with
 * WEBHOOK_ALLOW_INSECURE_LOCALHOST (the demo and the tests). An IPv6 address that leads to an IPv4 one
 * (mapped, NAT64 64:ff9b::/96, 6to4) is judged by that IPv4 address; forms that cannot be judged so
 * (IPv4-compatible, local-use NAT64, Teredo) are refused. The URL is checked when saved, and every
 * address a name resolves to is checked again when sending, as is the address actually connected.
 */
import { BlockList, isIP } from "node:net";

export type WebhookAddressPolicy = {
  /** http:// (and https://) to 127.0.0.0/8, ::1 and `localhost` may be used. */
  allowInsecureLocalhost: boolean;
  /** CIDR blocks the operator allows although private, e.g. "10.20.0.0/16". */
  allowedNetworks: string[];
};

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  // IPv4-compatible ::a.b.c.d (deprecated; its IPv4 could be anything) and IPv4-translated.
  ["::", 96],
  ["::ffff:0:0:0", 96],
  // Local-use NAT64 (RFC 8215): an IPv4 address of the operator's own translator, any of them.
  ["64:ff9b:1::", 48],
  ["100::", 64],
  // Teredo: a tunnel through the server and client IPv4 addresses it carries.
  ["2001::", 32],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(network, prefix, "ipv6");

/** The 16 bytes of an IPv6 address (which `isIP` has accepted). */
function ipv6Bytes(address: string): number[] {
  const withoutZone = address.split("%")[0]!;
  let text = withoutZone;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split(".").map(Number));
    text = text.slice(0, -dotted[1]!.length) + "0:0";
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const groups = (part: string) => (part ? part.split(":").filter((g) => g !== "") : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
  const bytes = all.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/**
 * The IPv4 address an IPv6 one leads to, which is what must be checked: mapped ::ffff:a.b.c.d, NAT64
 * 64:ff9b::a.b.c.d, and 6to4 2002:aabb:ccdd::/48 (tunnelled to a.b.c.d).
 */
function embeddedIpv4(address: string): string | null {
  const bytes = ipv6Bytes(address);
  const prefix = bytes.slice(0, 12);
  const mapped = prefix.every((b, i) => (i < 10 ? b === 0 : b === 0xff));
  const nat64 = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0].every((b, i) => prefix[i] === b);
  if (mapped || nat64) return bytes.slice(12).join(".");
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6).join(".");
  return null;
}

function inNetworks(address: string, family: "ipv4" | "ipv6", networks: string[]): boolean {
  const list = new BlockList();
  for (const cidr of networks) {
    const [network, bits] = cidr.split("/");
    const type = isIP(network ?? "") === 6 ? "ipv6" : "ipv4";
    list.addSubnet(network!, Number(bits ?? (type === "ipv6" ? 128 : 32)), type);
  }
  return list.check(address, family);
}

/** Whether `cidr` is an address or a CIDR block this module understands (for the env's check). */
export function isCidr(cidr: string): boolean {
  const [network, bits, extra] = cidr.split("/");
  const version = isIP(network ?? "");
  if (!version || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (version === 6 ? 128 : 32);
}

/** Null when the portal may connect to `address`, else why not (for the delivery's error text). */
export function refuseAddress(address: string, policy: WebhookAddressPolicy): string | null {
  let version = isIP(address);
  if (!version) return `${address} is not an IP address`;
  let plain = address;
  if (version === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) {
      plain = v4;
      version = 4;
    }
  }
  const family = version === 6 ? "ipv6" : "ipv4";
  if (inNetworks(plain, family, policy.allowedNetworks)) return null;
  if (loopback.check(plain, family))
    return policy.allowInsecureLocalhost
      ? null
      : `${address} is a loopback address (the operator may allow it with WEBHOOK_ALLOW_INSECURE_LOCALHOST)`;
  if (blocked.check(plain, family))
    return `${address} is a private or reserved address (the operator may allow its network with WEBHOOK_ALLOWED_NETWORKS)`;
  return null;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const version = isIP(host);
  if (!version) return false;
  const v4 = version === 6 ? embeddedIpv4(host) : host;
  return v4 ? loopback.check(v4, "ipv4") : loopback.check(host, "ipv6");
}

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** Whether a URL may be saved as an endpoint; the message says what to change. */
export function checkWebhookUrl(raw: string, policy: WebhookAddressPolicy): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: "Enter a full URL, e.g. https://costs.example.com/webhooks/mca." };
  }
  if (url.username || url.password)
    return {
      ok: false,
      message: "Leave user names and passwords out of the URL: the signature authenticates us.",
    };
  if (url.hash) return { ok: false, message: "A webhook URL has no #fragment." };
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname))
      return { ok: false, message: "Use https://: deliveries carry facts about your billing connections." };
    if (!policy.allowInsecureLocalhost)
      return {
        ok: false,
        message: "Use https://. Plain http:// to this machine is allowed only when the operator enables it.",
      };
  } else if (url.protocol !== "https:") {
    return { ok: false, message: "Use an https:// URL." };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    const refused = refuseAddress(host, policy);
    if (refused) return { ok: false, message: `This address may not receive webhooks: ${refused}.` };
  } else if (isLoopbackHost(host) && !policy.allowInsecureLocalhost) {
    return { ok: false, message: "This machine's own addresses may not receive webhooks." };
  }
  return { ok: true, url: url.toString() };
}
