/**
 * Every server action the portal exposes: each function exported by a "use server" module in
 * lib/actions. Each is a public POST endpoint, so tests that must cover all of them list them here.
 */
import fs from "node:fs";
import path from "node:path";

export type ActionResult = { ok: boolean; message?: string; data?: unknown; fieldErrors?: unknown };
export type ServerAction = (prev: unknown, form: unknown) => Promise<ActionResult>;

const actionsDir = path.resolve(__dirname, "../../lib/actions");

export async function exportedActions(): Promise<Record<string, { module: string; fn: ServerAction }>> {
  const found: Record<string, { module: string; fn: ServerAction }> = {};
  for (const file of fs.readdirSync(actionsDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
    const source = fs.readFileSync(path.join(actionsDir, file), "utf8");
    if (!/^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*["']use server["']/.test(source)) continue;
    const mod = (await import(path.join(actionsDir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod))
      if (typeof value === "function")
        found[name] = { module: file.replace(/\.ts$/, ""), fn: value as ServerAction };
  }
  return found;
}
