import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests drive Debian's /usr/bin/chromium (Playwright's own browser downloads are not
 * available here) against the built portal, started by the same launcher as `npm start` in demo mode,
 * on its own ports and data folder. The caller (scripts/test.sh) builds first and exports
 * NODE_EXTRA_CA_CERTS for the emulator's CA.
 */
// E2E_PORT_OFFSET moves every port, so two checkouts on one machine can run their suites side by side.
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
export const portalPort = 3100 + offset;
export const emulatorPort = 8543 + offset;
/** The emulator's plain-HTTP port for the sign-in pages (what discovery sends the browser to). */
export const emulatorBrowserPort = 8580 + offset;
/** The Vantage emulator (plain HTTP on loopback): VANTAGE_API_URL and its control API. */
export const vantagePort = 8590 + offset;
export const vantageUrl = `http://127.0.0.1:${vantagePort}/v2`;
export const vantageControlUrl = `http://127.0.0.1:${vantagePort}/_vantage`;
export const portalUrl = `http://localhost:${portalPort}`;
export const emulatorUrl = `https://127.0.0.1:${emulatorPort}`;
/** The portal's data folder in the run (its PGlite database, secrets and log file). */
export const portalDataDir = ".data/e2e";

const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};
// Searches everything the other specs made the portal write and serve: it runs after all of them.
const leakScan = /secrets-never-leak\.spec\.ts$/;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: portalUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // The browser gets the emulator's sign-in pages over plain HTTP (its browser port), as in the demo:
    // no certificate exception is needed, and this proves it.
    ignoreHTTPSErrors: false,
  },
  projects: [
    { name: "chromium", use: chromium, testIgnore: leakScan },
    { name: "leak-scan", use: chromium, testMatch: leakScan, dependencies: ["chromium"] },
  ],
  webServer: {
    command: `npx --no-install tsx scripts/start.ts --demo --no-build --ephemeral --delays test --port ${portalPort} --emulator-port ${emulatorPort} --browser-port ${emulatorBrowserPort} --vantage-port ${vantagePort} --data-dir ${portalDataDir} --emulator-data-dir .data/emulator-test --log-file ${portalDataDir}/portal.log`,
    url: `${portalUrl}/api/health`,
    reuseExistingServer: false,
    // A grace period of seconds after a secret rotation (the default is a day), so the rotation spec sees
    // the runner remove the old secret within seconds rather than waiting out minutes.
    env: {
      ...(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >),
      ROTATION_GRACE_SECONDS: process.env.ROTATION_GRACE_SECONDS ?? "15",
    },
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
