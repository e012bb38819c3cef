/**
 * Renders what a page (a server component) hands its components as the HTML a browser first gets, in
 * Vitest: server components are called (awaited when async), client components are left out, since
 * they render in the browser (and their hooks need React's renderer). What is a client component is
 * read from the code, as Next does: every export of a module of ours whose first statement is the
 * "use client" directive. A new client component is left out without naming it here.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";

const root = path.resolve(__dirname, "../..");
/** Where our components live: the modules a page can import a component from. */
const componentDirs = ["app", "components"];

/** Whether a module's first statement (after comments) is the "use client" directive. */
export function hasUseClientDirective(source: string): boolean {
  const code = source.replace(/^(?:\s+|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  return /^(["'])use client\1\s*;?/.test(code);
}

async function modulesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return modulesUnder(full);
      return Promise.resolve(/\.(tsx|ts|jsx|js)$/.test(e.name) && !/\.test\./.test(e.name) ? [full] : []);
    }),
  );
  return nested.flat();
}

let clientComponents: Promise<Set<unknown>> | undefined;

/** Every function exported by our "use client" modules, imported as the pages import them. */
export function clientComponentsOf(): Promise<Set<unknown>> {
  clientComponents ??= (async () => {
    const files = (await Promise.all(componentDirs.map((d) => modulesUnder(path.join(root, d))))).flat();
    const client: Set<unknown> = new Set();
    for (const file of files) {
      if (!hasUseClientDirective(await readFile(file, "utf8"))) continue;
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      for (const value of Object.values(mod)) if (typeof value === "function") client.add(value);
    }
    return client;
  })();
  return clientComponents;
}

type Element = { type: unknown; props: Record<string, unknown>; key: string | null };

/** Renders a page's element tree (server components called, client components left out) to HTML. */
export async function renderPage(node: unknown): Promise<string> {
  const client = await clientComponentsOf();
  const Link = (await import("next/link")).default as unknown;
  const resolve = async (n: unknown): Promise<unknown> => {
    if (Array.isArray(n)) return Promise.all(n.map(resolve));
    if (!n || typeof n !== "object" || !("type" in n)) return n;
    const el = n as Element;
    if (client.has(el.type)) return null;
    // next/link renders as the anchor it is; our server components are called.
    if (typeof el.type === "function" && el.type !== Link)
      return resolve(await (el.type as (p: unknown) => unknown)(el.props));
    return createElement(
      el.type as string,
      { ...el.props, key: el.key },
      (await resolve(el.props.children)) as ReactNode,
    );
  };
  return renderToStaticMarkup((await resolve(node)) as never);
}
