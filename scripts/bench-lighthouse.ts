/**
 * `npm run bench`, part 3 (speed): Lighthouse (12.x, the last line that runs on Node 20) against
 * Debian's Chromium, headless, on the production build's home, onboardings list and checklist pages.
 * Signed-in pages get the bench's session cookie (extraHeaders). Each page runs with Lighthouse's mobile
 * default (simulated slow 4G and a 4x slower CPU) and its desktop preset.
 *
 * Kept apart from scripts/bench.ts so the bench's other parts can change beside it.
 */
import { spawn } from "node:child_process";
import path from "node:path";

export type LighthousePreset = "mobile" | "desktop";

export type LighthouseFigure = {
  page: string;
  path: string;
  preset: LighthousePreset;
  performance: number;
  accessibility: number;
  /** Largest contentful paint and total blocking time, ms (lab). */
  lcpMs: number;
  tbtMs: number;
  /** Audits that cost points (score < 1), with Lighthouse's words, for the closing note. */
  findings: string[];
};

type Lhr = {
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<
    string,
    {
      score: number | null;
      scoreDisplayMode: string;
      title: string;
      displayValue?: string;
      numericValue?: number;
    }
  >;
  runtimeError?: { message: string };
};

const root = path.resolve(__dirname, "..");

function runLighthouse(url: string, preset: LighthousePreset, cookie: string | undefined): Promise<Lhr> {
  const args = [
    path.join(root, "node_modules", "lighthouse", "cli", "index.js"),
    url,
    "--output=json",
    "--output-path=stdout",
    "--only-categories=performance,accessibility",
    "--quiet",
    "--max-wait-for-load=60000",
    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run",
    ...(preset === "desktop" ? ["--preset=desktop"] : []),
    ...(cookie ? [`--extra-headers=${JSON.stringify({ Cookie: cookie })}`] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? "/usr/bin/chromium" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0)
        return reject(
          new Error(`lighthouse ${url} exited ${code}: ${Buffer.concat(err).toString().slice(-1500)}`),
        );
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()) as Lhr);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

function findings(lhr: Lhr): string[] {
  const ids = new Set(
    ["performance", "accessibility"].flatMap((c) =>
      (lhr.categories[c]?.auditRefs ?? []).filter((r) => r.weight > 0).map((r) => r.id),
    ),
  );
  return [...ids]
    .map((id) => ({ id, audit: lhr.audits[id] }))
    .filter(
      ({ audit }) =>
        audit &&
        audit.score !== null &&
        audit.score < 0.9 &&
        ["binary", "numeric", "metricSavings"].includes(audit.scoreDisplayMode),
    )
    .map(({ id, audit }) => `${id}${audit!.displayValue ? ` (${audit!.displayValue})` : ""}`);
}

/** Lighthouse scores of the given pages (0 to 100), each page once per preset. */
export async function benchLighthouse(
  baseUrl: string,
  pages: { name: string; path: string; signedIn: boolean }[],
  cookie: string,
  presets: LighthousePreset[] = ["mobile", "desktop"],
): Promise<LighthouseFigure[]> {
  const figures: LighthouseFigure[] = [];
  for (const page of pages) {
    for (const preset of presets) {
      const lhr = await runLighthouse(`${baseUrl}${page.path}`, preset, page.signedIn ? cookie : undefined);
      if (lhr.runtimeError) throw new Error(`lighthouse ${page.path}: ${lhr.runtimeError.message}`);
      const score = (c: string) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
      const figure: LighthouseFigure = {
        page: page.name,
        path: page.path.replace(/\/onboardings\/[^/]+/, "/onboardings/{id}"),
        preset,
        performance: score("performance"),
        accessibility: score("accessibility"),
        lcpMs: Math.round(lhr.audits["largest-contentful-paint"]?.numericValue ?? 0),
        tbtMs: Math.round(lhr.audits["total-blocking-time"]?.numericValue ?? 0),
        findings: findings(lhr),
      };
      figures.push(figure);
      console.log(
        `lighthouse ${page.name} (${preset}): performance ${figure.performance}, accessibility ${figure.accessibility}, LCP ${figure.lcpMs} ms, TBT ${figure.tbtMs} ms${figure.findings.length ? `; ${figure.findings.join(", ")}` : ""}`,
      );
    }
  }
  return figures;
}

/** The table lines for benchmarks.md / the console. */
export function renderLighthouse(figures: LighthouseFigure[] | undefined): string[] {
  if (!figures?.length) return [];
  return [
    "",
    "Lighthouse 12 (Debian's Chromium, headless; targets performance >= 95, accessibility 100):",
    "",
    "| page | preset | performance | accessibility | LCP (ms) | TBT (ms) |",
    "| ---- | ------ | ----------: | ------------: | -------: | -------: |",
    ...figures.map(
      (f) =>
        `| ${f.page} (${f.path}) | ${f.preset} | ${f.performance} | ${f.accessibility} | ${f.lcpMs} | ${f.tbtMs} |`,
    ),
  ];
}
