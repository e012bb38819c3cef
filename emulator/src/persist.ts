/**
 * Optional persistence (--persist / startEmulator({ persist: true })): the store, plus the world's refresh
 * token revocations and clock offset, as one JSON file <dataDir>/state.json (mode 0600: it holds client
 * secrets, like the keys beside it). Saved atomically (temp file + rename) at most every 500 ms after a
 * request and on close; loaded at start. Request logs, faults and in-flight sign-in pages are not kept.
 *
 * Maps, Sets and Dates are written as tagged objects ({"$t": "Map", "v": [[k, v], ...]}), and plain objects
 * that happen to have a "$t" key are wrapped too, so anything stored as sent (Graph properties) comes back
 * exactly. The store's fields are taken generically, so a field added later is saved without changes here;
 * bump STATE_VERSION when a field changes meaning.
 */
import fs from "node:fs";
import path from "node:path";

import { withDefaults } from "./settings";
import { Store } from "./store";
import type { World } from "./world";

export const STATE_VERSION = 1;
export const STATE_FILE = "state.json";
const SAVE_DELAY_MS = 500;
/** Store fields that are not state: the request log only feeds the control API's counters. */
const TRANSIENT_FIELDS = new Set(["requestLog"]);

type Tagged = { $t: "Map" | "Set" | "Date" | "Object"; v: unknown };

function encode(value: unknown): unknown {
  if (value instanceof Map) return { $t: "Map", v: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { $t: "Set", v: [...value].map(encode) };
  if (value instanceof Date) return { $t: "Date", v: value.toISOString() };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v);
    return "$t" in out ? { $t: "Object", v: out } : out;
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (!value || typeof value !== "object") return value;
  if ("$t" in value) {
    const { $t, v } = value as Tagged;
    if ($t === "Map" && Array.isArray(v))
      return new Map(
        v.map((entry) => {
          if (!Array.isArray(entry) || entry.length !== 2) throw new Error("malformed Map entry");
          return [decode(entry[0]), decode(entry[1])] as const;
        }),
      );
    if ($t === "Set" && Array.isArray(v)) return new Set(v.map(decode));
    if ($t === "Date" && typeof v === "string") return new Date(v);
    if ($t === "Object" && v && typeof v === "object" && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
    throw new Error(`malformed tagged value ${JSON.stringify($t)}`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, decode(x)]));
}

function kind(value: unknown): string {
  if (value instanceof Map) return "Map";
  if (value instanceof Set) return "Set";
  if (Array.isArray(value)) return "Array";
  return value === null ? "null" : typeof value;
}

/** The JSON text of everything worth keeping. */
export function snapshotState(world: World): string {
  const store: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(world.store)) if (!TRANSIENT_FIELDS.has(k)) store[k] = v;
  return JSON.stringify(
    encode({
      version: STATE_VERSION,
      store,
      revokedRefreshTokens: world.revokedRefreshTokens,
      clockOffsetMs: world.clockOffsetMs,
    }),
  );
}

export interface RestoredState {
  store: Store;
  revokedRefreshTokens: Set<string>;
  clockOffsetMs: number;
}

/** Parses a snapshot; throws with a short reason when it is not one this version can use. */
export function parseState(text: string): RestoredState {
  const raw: unknown = JSON.parse(text);
  if (!raw || typeof raw !== "object" || (raw as { version?: unknown }).version !== STATE_VERSION)
    throw new Error(
      `version ${JSON.stringify((raw as { version?: unknown } | null)?.version)} is not ${STATE_VERSION}`,
    );
  const file = decode(raw) as {
    store?: unknown;
    revokedRefreshTokens?: unknown;
    clockOffsetMs?: unknown;
  };
  if (!file.store || kind(file.store) !== "object") throw new Error("no store");
  if (!(file.revokedRefreshTokens instanceof Set)) throw new Error("no revokedRefreshTokens");
  if (typeof file.clockOffsetMs !== "number") throw new Error("no clockOffsetMs");
  const saved = file.store as Record<string, unknown>;
  const store = new Store();
  const target = store as unknown as Record<string, unknown>;
  // Every field of a fresh store must come back with the same kind (Map, array, number, ...).
  for (const [k, fresh] of Object.entries(store)) {
    if (TRANSIENT_FIELDS.has(k)) continue;
    // A field added since the file was written (management groups) starts empty, as settings take defaults.
    if (saved[k] === undefined) continue;
    if (kind(saved[k]) !== kind(fresh))
      throw new Error(`store.${k} is ${kind(saved[k])}, expected ${kind(fresh)}`);
    target[k] = saved[k];
  }
  // Settings added since the file was written take their defaults.
  for (const tenant of store.tenants.values()) tenant.settings = withDefaults(tenant.settings);
  return {
    store,
    revokedRefreshTokens: file.revokedRefreshTokens as Set<string>,
    clockOffsetMs: file.clockOffsetMs,
  };
}

/** Loads <dataDir>/state.json: undefined when absent, or (with one line on stderr) when unusable. */
export function loadState(dataDir: string): RestoredState | undefined {
  const file = path.join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    process.stderr.write(`emulator: cannot read ${file} (${(err as Error).message}); starting fresh\n`);
    return undefined;
  }
  try {
    return parseState(text);
  } catch (err) {
    process.stderr.write(
      `emulator: ignoring ${file} (${(err as Error).message}); starting fresh, it is overwritten on the next save\n`,
    );
    return undefined;
  }
}

/** Writes the snapshot at most every SAVE_DELAY_MS after schedule(), and at once on save(). */
export class StateSaver {
  readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private lastText: string | undefined;

  constructor(
    dataDir: string,
    private readonly snapshot: () => string,
  ) {
    this.file = path.join(dataDir, STATE_FILE);
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.save(), SAVE_DELAY_MS);
    this.timer.unref();
  }

  save(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      const text = this.snapshot();
      if (text === this.lastText) return;
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.rmSync(tmp, { force: true });
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
      this.lastText = text;
    } catch (err) {
      process.stderr.write(`emulator: could not save ${this.file}: ${(err as Error).message}\n`);
    }
  }
}
