/**
 * Searches what the portal wrote (database files and dumps, logs, pages and API answers) for secrets:
 * every token and client secret the Azure emulator issued, in every form a value takes on its way
 * into a page, a log or a database row (as is, JSON-escaped, URL-encoded, base64 or base64url at any
 * alignment). One pass over each source, whatever the number of secrets: a rolling hash of 16 bytes
 * finds candidates, a byte comparison confirms them. Used by the Vitest run on PostgreSQL and by the
 * Playwright suite's final spec.
 */
import fs from "node:fs";
import path from "node:path";

export type Needle = { kind: string; value: string };
export type Source = { name: string; data: Buffer };
export type Hit = { source: string; kind: string; form: string; offset: number };

/** Every token and client secret value the emulator at `emulatorBaseUrl` has issued. */
export async function issuedSecrets(emulatorBaseUrl: string, tenantId?: string): Promise<Needle[]> {
  const query = tenantId ? `?tenant=${encodeURIComponent(tenantId)}` : "";
  const res = await fetch(`${emulatorBaseUrl}/_emulator/issued-credentials${query}`);
  if (!res.ok) throw new Error(`issued-credentials: ${res.status} ${await res.text()}`);
  const { value } = (await res.json()) as { value: { kind: string; value: string }[] };
  return value.map(({ kind, value: secret }) => ({ kind, value: secret }));
}

const WINDOW = 16;
const BASE = 257;

type Pattern = { kind: string; form: string; bytes: Buffer };

/** The forms a secret can take in what the portal writes; each at least WINDOW bytes long. */
function formsOf(needle: Needle): Pattern[] {
  const value = needle.value;
  const found = new Map<string, string>([["as is", value]]);
  found.set("JSON-escaped", JSON.stringify(value).slice(1, -1));
  found.set("URL-encoded", encodeURIComponent(value));
  const bytes = Buffer.from(value, "utf8");
  for (let shift = 0; shift < 3 && bytes.length - shift >= 18; shift++) {
    // Encoded after 0, 2 or 1 other bytes, the secret's groups start at its byte 0, 1 or 2; keep only
    // the characters fully determined by its own bytes, whatever comes before or after.
    const slice = bytes.subarray(shift);
    const whole = Math.floor(slice.length / 3) * 4;
    found.set(`base64 (+${shift})`, slice.toString("base64").slice(0, whole));
    found.set(`base64url (+${shift})`, slice.toString("base64url").slice(0, whole));
  }
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  for (const [form, text] of found) {
    if (text.length < WINDOW || seen.has(text)) continue;
    seen.add(text);
    patterns.push({ kind: needle.kind, form, bytes: Buffer.from(text, "utf8") });
  }
  return patterns;
}

/** A polynomial hash of WINDOW bytes in 32-bit integer arithmetic (wrapping is fine for a hash). */
function hashAt(data: Buffer, start: number): number {
  let h = 0;
  for (let i = start; i < start + WINDOW; i++) h = (Math.imul(h, BASE) + data[i]!) | 0;
  return h;
}

/** BASE^(WINDOW-1), to take the leaving byte out of the rolling hash. */
const leaving = (() => {
  let p = 1;
  for (let i = 0; i < WINDOW - 1; i++) p = Math.imul(p, BASE);
  return p;
})();

/** Where any of `needles` occurs in any of `sources`. Needles shorter than 16 bytes are refused. */
export function scanForSecrets(needles: Needle[], sources: Source[]): Hit[] {
  const index = new Map<number, Pattern[]>();
  // A bit per hash's top 24 bits: most positions are ruled out without a Map lookup.
  const maybe = new Uint8Array(1 << 21);
  for (const needle of needles) {
    if (Buffer.byteLength(needle.value) < WINDOW)
      throw new Error(`A ${needle.kind} shorter than ${WINDOW} bytes cannot be searched reliably`);
    for (const pattern of formsOf(needle)) {
      const h = hashAt(pattern.bytes, 0);
      index.set(h, [...(index.get(h) ?? []), pattern]);
      maybe[h >>> 11]! |= 1 << ((h >>> 8) & 7);
    }
  }
  const hits: Hit[] = [];
  for (const source of sources) {
    const data = source.data;
    if (data.length < WINDOW) continue;
    let h = hashAt(data, 0);
    for (let i = 0; ; i++) {
      const candidates = maybe[h >>> 11]! & (1 << ((h >>> 8) & 7)) ? index.get(h) : undefined;
      if (candidates)
        for (const pattern of candidates)
          if (
            i + pattern.bytes.length <= data.length &&
            data.compare(pattern.bytes, 0, pattern.bytes.length, i, i + pattern.bytes.length) === 0
          )
            hits.push({ source: source.name, kind: pattern.kind, form: pattern.form, offset: i });
      if (i + WINDOW >= data.length) break;
      h = (Math.imul((h - Math.imul(data[i]!, leaving)) | 0, BASE) + data[i + WINDOW]!) | 0;
    }
  }
  return hits;
}

/** Every file under `dir` as a source, except those `skip` names (relative paths). */
export function filesUnder(dir: string, skip: (relative: string) => boolean = () => false): Source[] {
  if (!fs.existsSync(dir)) return [];
  const sources: Source[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full);
      if (skip(relative)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) sources.push({ name: full, data: fs.readFileSync(full) });
    }
  };
  walk(dir);
  return sources;
}

/** A readable account of hits for a failure message: where and what, never the secret itself. */
export function describeHits(hits: Hit[]): string[] {
  return hits.map((hit) => `${hit.kind} (${hit.form}) in ${hit.source} at byte ${hit.offset}`);
}
