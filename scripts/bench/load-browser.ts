/**
 * A browser without a screen for the load benchmark: a cookie jar per host, redirects followed by hand
 * (so each hop's cookies are kept, as a browser does), and forms read from the HTML it is served.
 */

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
      body?: string | FormData | URLSearchParams;
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
      const res = await fetch(url, {
        method,
        body,
        redirect: "manual",
        headers: { ...headers, ...(cookie ? { cookie } : {}) },
      });
      const text = await res.text();
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
