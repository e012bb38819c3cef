/**
 * The slice of OData that Graph clients use on directory objects: $filter with eq / in / startswith joined
 * by and / or, $select, $top and $skiptoken paging with @odata.nextLink, and $count.
 */
import type { Ctx } from "../http";
import type { World } from "../world";
import { graphError } from "./common";

type Value = string | number | boolean | null;
type Predicate = (item: Record<string, unknown>) => boolean;

function tokenize(input: string): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= input.length) return undefined;
        if (input[j] === "'") {
          if (input[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += input[j];
        j++;
      }
      tokens.push(`'${text}`);
      i = j + 1;
    } else if ("(),".includes(ch)) {
      tokens.push(ch);
      i++;
    } else {
      let j = i;
      while (j < input.length && !/[\s(),']/.test(input[j]!)) j++;
      tokens.push(input.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function literal(token: string | undefined): { ok: true; value: Value } | { ok: false } {
  if (token === undefined) return { ok: false };
  if (token.startsWith("'")) return { ok: true, value: token.slice(1) };
  if (token === "true" || token === "false") return { ok: true, value: token === "true" };
  if (token === "null") return { ok: true, value: null };
  if (/^-?\d+(\.\d+)?$/.test(token)) return { ok: true, value: Number(token) };
  if (/^[0-9a-f-]{36}$/i.test(token)) return { ok: true, value: token };
  return { ok: false };
}

function get(item: Record<string, unknown>, path: string): unknown {
  return path
    .split("/")
    .reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      item,
    );
}

function equal(a: unknown, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

export type FilterParse = { ok: true; predicate: Predicate } | { ok: false; message: string };

export function parseFilter(filter: string, properties: string[]): FilterParse {
  const tokens = tokenize(filter);
  if (!tokens) return { ok: false, message: "Invalid filter clause: unterminated string literal." };
  let pos = 0;
  const fail = (message: string): never => {
    throw new Error(message);
  };
  const known = (name: string) => {
    if (!properties.includes(name.split("/")[0]!))
      fail(`Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`);
    return name;
  };
  const clause = (): Predicate => {
    const t = tokens[pos];
    if (t === "(") {
      pos++;
      const inner = expr();
      if (tokens[pos] !== ")") fail("Invalid filter clause: ')' expected.");
      pos++;
      return inner;
    }
    if (t?.toLowerCase() === "startswith") {
      pos++;
      if (tokens[pos++] !== "(") fail("Invalid filter clause: '(' expected.");
      const prop = known(tokens[pos++] ?? "");
      if (tokens[pos++] !== ",") fail("Invalid filter clause: ',' expected.");
      const lit = literal(tokens[pos++]);
      if (!lit.ok || typeof lit.value !== "string") fail("Invalid filter clause: string literal expected.");
      if (tokens[pos++] !== ")") fail("Invalid filter clause: ')' expected.");
      const prefix = String((lit as { value: string }).value).toLowerCase();
      return (item) =>
        String(get(item, prop) ?? "")
          .toLowerCase()
          .startsWith(prefix);
    }
    const prop = known(t ?? "");
    pos++;
    const op = tokens[pos++]?.toLowerCase();
    if (op === "eq" || op === "ne") {
      const lit = literal(tokens[pos++]);
      if (!lit.ok) fail("Invalid filter clause: literal expected.");
      const value = (lit as { value: Value }).value;
      return op === "eq" ? (item) => equal(get(item, prop), value) : (item) => !equal(get(item, prop), value);
    }
    if (op === "in") {
      if (tokens[pos++] !== "(") fail("Invalid filter clause: '(' expected.");
      const values: Value[] = [];
      while (tokens[pos] !== ")") {
        const lit = literal(tokens[pos++]);
        if (!lit.ok) fail("Invalid filter clause: literal expected.");
        values.push((lit as { value: Value }).value);
        if (tokens[pos] === ",") pos++;
        if (pos >= tokens.length) fail("Invalid filter clause: ')' expected.");
      }
      pos++;
      return (item) => values.some((v) => equal(get(item, prop), v));
    }
    return fail(
      `Unsupported or invalid query filter clause specified for property '${prop}' of resource '${"directoryObject"}'.`,
    );
  };
  const expr = (): Predicate => {
    let left = clause();
    for (;;) {
      const op = tokens[pos]?.toLowerCase();
      if (op !== "and" && op !== "or") return left;
      pos++;
      const right = clause();
      const l = left;
      left = op === "and" ? (item) => l(item) && right(item) : (item) => l(item) || right(item);
    }
  };
  try {
    const predicate = expr();
    if (pos !== tokens.length) fail("Invalid filter clause: syntax error at position " + pos + ".");
    return { ok: true, predicate };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

export function pickSelect(
  item: Record<string, unknown>,
  select: string[] | undefined,
): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  for (const k of select) out[k] = item[k] ?? null;
  return out;
}

export interface ListOptions {
  select?: string[];
  filter?: Predicate;
  top: number;
  skip: number;
  count: boolean;
}

/** Reads $select/$filter/$top/$skiptoken/$count; answers Graph's 400 itself and returns undefined on error. */
export function listOptions(
  ctx: Ctx,
  properties: string[],
  pageSize: number,
  typeName: string,
): ListOptions | undefined {
  const q = ctx.url.searchParams;
  let select: string[] | undefined;
  const selectParam = q.get("$select");
  if (selectParam) {
    select = selectParam
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = select.find((s) => !properties.includes(s));
    if (bad) {
      graphError(
        ctx,
        400,
        "Request_BadRequest",
        `Could not find a property named '${bad}' on type 'microsoft.graph.${typeName}'.`,
      );
      return undefined;
    }
  }
  let filter: Predicate | undefined;
  const filterParam = q.get("$filter");
  if (filterParam) {
    const parsed = parseFilter(filterParam, properties);
    if (!parsed.ok) {
      graphError(ctx, 400, "Request_UnsupportedQuery", parsed.message.replace("directoryObject", typeName));
      return undefined;
    }
    filter = parsed.predicate;
  }
  let top = pageSize;
  const topParam = q.get("$top");
  if (topParam !== null) {
    const n = Number(topParam);
    if (!Number.isInteger(n) || n < 1 || n > 999) {
      graphError(
        ctx,
        400,
        "Request_BadRequest",
        `Invalid page size specified: '${topParam}'. Must be between 1 and 999 inclusive.`,
      );
      return undefined;
    }
    top = n;
  }
  let skip = 0;
  const token = q.get("$skiptoken");
  if (token) {
    try {
      const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: number };
      skip = Number(parsed.o ?? 0);
      if (!Number.isInteger(skip) || skip < 0) throw new Error("bad");
    } catch {
      graphError(
        ctx,
        400,
        "Directory_ExpiredPageToken",
        "The specified page token value has expired and can no longer be included in your request.",
      );
      return undefined;
    }
  }
  return { select, filter, top, skip, count: q.get("$count") === "true" };
}

/** One page of a collection with @odata.nextLink when more remain. */
export function page(
  world: World,
  ctx: Ctx,
  items: Record<string, unknown>[],
  opts: ListOptions,
  contextFragment: string,
): Record<string, unknown> {
  const filtered = opts.filter ? items.filter(opts.filter) : items;
  const slice = filtered.slice(opts.skip, opts.skip + opts.top);
  const body: Record<string, unknown> = {
    "@odata.context": `${world.baseUrl}/graph/v1.0/$metadata#${contextFragment}${opts.select ? `(${opts.select.join(",")})` : ""}`,
  };
  if (opts.count) body["@odata.count"] = filtered.length;
  if (opts.skip + opts.top < filtered.length) {
    const next = new URL(ctx.url.toString().replace(/^https?:\/\/[^/]+/, world.baseUrl));
    next.searchParams.set(
      "$skiptoken",
      Buffer.from(JSON.stringify({ o: opts.skip + opts.top })).toString("base64url"),
    );
    if (!next.searchParams.has("$top")) next.searchParams.set("$top", String(opts.top));
    body["@odata.nextLink"] = next.toString();
  }
  body.value = slice.map((i) => pickSelect(i, opts.select));
  return body;
}

/** Parses "applications(appId='...')" style alternate keys. */
export function alternateKey(
  segment: string,
  collection: string,
): { key: string; value: string } | undefined {
  const m = new RegExp(`^${collection}\\((\\w+)=(?:'((?:[^']|'')*)'|([0-9a-fA-F-]{36}))\\)$`).exec(segment);
  if (!m) return undefined;
  return { key: m[1]!, value: (m[2] ?? m[3] ?? "").replace(/''/g, "'") };
}
