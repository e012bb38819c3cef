/**
 * A browser without a screen for the load benchmark: a cookie jar per host, redirects followed by hand
 * (so each hop's cookies are kept, as a browser does), and forms read from the HTML it is served. Each
 * may come from an address of its own on the loopback network (127.x.y.z), as people come from their
 * own networks: the portal counts sign-ins per client address (lib/http/rate-limit.ts).
 */
import http from "node:http";

type Body = string | FormData | URLSearchParams;

type Raw = { status: number; headers: Headers; text: string };

/** A plain-HTTP request from `localAddress`, to the host's IPv4 loopback with the URL's Host header. */
async function fromAddress(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Body | undefined,
  localAddress: string,
): Promise<Raw> {
  let payload: Buffer | undefined;
  const sent: Record<string, string> = { host: url.host, ...headers };
  if (body !== undefined) {
    const encoded = new Response(body);
    payload = Buffer.from(await encoded.arrayBuffer());
    sent["content-type"] ??= encoded.headers.get("content-type") ?? "text/plain;charset=UTF-8";
    sent["content-length"] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method,
        headers: sent,
        localAddress,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const answer = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
              answer.append(name, v);
          resolve({
            status: res.statusCode ?? 0,
            headers: answer,
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export type Hop = { method: string; url: string; status: number; started: number; ended: number };

export type Answer = { status: number; url: string; headers: Headers; text: string; hops: Hop[] };

function decodeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The attributes of every `<input>` of an HTML fragment (our pages' and the emulator's forms). */
export function inputs(html: string): { name: string; value: string; type: string; checked: boolean }[] {
  const out = [];
  for (const m of html.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = m[1]!;
    const attr = (name: string) => {
      const a = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs);
      return a ? decodeHtml(a[1]!) : undefined;
    };
    const name = attr("name");
    if (!name) continue;
    out.push({
      name,
      value: attr("value") ?? "",
      type: attr("type") ?? "text",
      checked: /\schecked(=""|\s|$)/.test(attrs),
    });
  }
  return out;
}

/** The `<form>` whose HTML holds `marker` (a button's text or a field's name), with its action. */
export function formWith(html: string, marker: string): { action: string | undefined; html: string } {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (!m[2]!.includes(marker)) continue;
    const action = /\saction="([^"]*)"/.exec(m[1]!)?.[1];
    return { action: action === undefined ? undefined : decodeHtml(action), html: m[2]! };
  }
  throw new Error(`no form with ${marker} in the page`);
}

export class VirtualBrowser {
  private jar = new Map<string, Map<string, string>>();

  /** `localAddress`: where its plain-HTTP requests come from (default: the system's choice). */
  constructor(private readonly localAddress?: string) {}

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  private keep(url: URL, headers: Headers) {
    const cookies = this.jar.get(url.host) ?? new Map<string, string>();
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(url.host, cookies);
  }

  private cookieHeader(url: URL): string | undefined {
    const cookies = this.jar.get(url.host);
    if (!cookies?.size) return undefined;
    return [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** One request and its redirects (303/302 turn a POST into a GET, as browsers do). */
  async go(
    input: string,
    init: {
      method?: string;
      headers?: Record<string, string>;
      body?: Body;
    } = {},
  ): Promise<Answer> {
    let url = new URL(input);
    let method = init.method ?? "GET";
    let body = init.body;
    let headers = init.headers ?? {};
    const hops: Hop[] = [];
    for (let i = 0; i < 10; i++) {
      const cookie = this.cookieHeader(url);
      const started = performance.now();
      const sent = { ...headers, ...(cookie ? { cookie } : {}) };
      const res: Raw =
        this.localAddress && url.protocol === "http:" && /^(localhost|127\.0\.0\.1)$/.test(url.hostname)
          ? await fromAddress(url, method, sent, body, this.localAddress)
          : await fetch(url, { method, body, redirect: "manual", headers: sent }).then(async (r) => ({
              status: r.status,
              headers: r.headers,
              text: await r.text(),
            }));
      const text = res.text;
      const ended = performance.now();
      hops.push({ method, url: url.toString(), status: res.status, started, ended });
      this.keep(url, res.headers);
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        if (res.status !== 307 && res.status !== 308) {
          method = "GET";
          body = undefined;
          headers = {};
        }
        continue;
      }
      return { status: res.status, url: url.toString(), headers: res.headers, text, hops };
    }
    throw new Error(`too many redirects from ${input}`);
  }
}
