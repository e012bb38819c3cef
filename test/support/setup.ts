/**
 * Vitest setup file of the "request-scope" project (vitest.config.ts): the test files that call server
 * actions, route handlers and pages directly get Next's request scope from test/support/request-scope
 * (cookies, headers, revalidatePath, redirect and notFound). A test file that needs other stand-ins is
 * not in that project and mocks them itself.
 */
import { vi } from "vitest";

vi.mock("next/headers", async () => (await import("@/test/support/request-scope")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/test/support/request-scope")).nextCache);
vi.mock("next/navigation", async () => (await import("@/test/support/request-scope")).nextNavigation);
