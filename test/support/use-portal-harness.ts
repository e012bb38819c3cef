/**
 * For Vitest files that drive the portal's real code against an in-process emulator: starts the
 * harness before the file's tests and closes the database and the emulator after them.
 */
import { afterAll, beforeAll } from "vitest";

import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

/** The harness of this file, available from the first `beforeAll` registered after this call. */
export function portalHarnessForFile(): { readonly current: Harness } {
  const ref = {} as { current: Harness };
  beforeAll(async () => {
    ref.current = await startPortalHarness();
  }, 120_000);
  afterAll(async () => {
    await (await import("@/lib/db")).closeDb();
    await ref.current?.emu.close();
  });
  return ref;
}
