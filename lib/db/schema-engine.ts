// Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm) and drives it
// through a PGlite driver adapter. The package's entry imports the .wasm as an ES module, which Node
// 20 cannot do, so the module is instantiated by hand, as Prisma's own CLI loader does. The API is
// internal to Prisma: lib/db/migrate.test.ts keeps a "no changes" check so an upgrade that breaks it
// fails loudly. Pin the package exactly.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type * as Wasm from "@prisma/schema-engine-wasm";

import { pgliteAdapterFactory, type PgliteAdapterOptions } from "./pglite";

export type SchemaEngine = Wasm.SchemaEngine;
export type { MigrationList } from "@prisma/schema-engine-wasm";

type EngineClass = typeof Wasm.SchemaEngine;

// wasm-bindgen keeps one instance per loaded module: instantiating twice breaks it, so load once.
let engineClass: Promise<EngineClass> | undefined;

async function loadEngineClass(): Promise<EngineClass> {
  // A Rust panic in the engine reports its reason here before surfacing as "unreachable".
  const global = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  global.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message) => console.error(`Prisma schema engine panicked: ${message}`),
  };
  // Resolved from the project root: works whether this file runs as ESM (vitest) or CJS (tsx).
  const require = createRequire(path.join(process.cwd(), "package.json"));
  const runtimePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const runtime = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as typeof Wasm & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
  };
  const bytes = await readFile(path.join(path.dirname(runtimePath), "schema_engine_bg.wasm"));
  const compiled = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(compiled, {
    "./schema_engine_bg.js": runtime as unknown as WebAssembly.ModuleImports,
  });
  runtime.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return runtime.SchemaEngine;
}

/**
 * Opens the schema engine on `main`: a PGlite, whose shadow database (used to replay the migration
 * history) is a fresh in-memory PGlite closed when the engine lets it go, or any migration-aware
 * driver adapter factory (e.g. `new PrismaPg(pool)`). Call `engine.free()` when done.
 */
export async function openSchemaEngine(
  main: PGlite | SqlMigrationAwareDriverAdapterFactory,
  options: { datamodel?: string; createShadow?: PgliteAdapterOptions["createShadow"] } = {},
): Promise<SchemaEngine> {
  engineClass ??= loadEngineClass();
  const Engine = await engineClass;
  const adapter = bindMigrationAwareSqlAdapterFactory(
    main instanceof PGlite ? pgliteAdapterFactory(main, { createShadow: options.createShadow }) : main,
  );
  const datamodels: [string, string][] | undefined = options.datamodel
    ? [["schema.prisma", options.datamodel]]
    : undefined;
  const ignoreLogs = () => {};
  return Engine.new({ datamodels }, ignoreLogs, adapter);
}
