import type { NextConfig } from "next";

// Security headers for every response. The Content-Security-Policy, with its per-request nonce, is set
// by proxy.ts.
const securityHeaders = [
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` typechecks the whole project (npm run typecheck); the build need not do it twice.
  typescript: { ignoreBuildErrors: true },
  // PGlite ships WASM and data files that must be loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pino"],
  async headers() {
    // Share pages carry a capability (the link's token, then its cookie): nothing of them is cached,
    // and no Referer ever tells another site where the person came from. Pages with forms say
    // "same-origin", not "no-referrer": under "no-referrer" a browser sends `Origin: null` with a form
    // posted before the page hydrated (a native POST, not fetch), and Next refuses that server action as
    // cross-site (a 500). "same-origin" sends neither Referer nor Origin to any other site. The token's
    // own URL (/s/<token>, a redirect) sends nothing anywhere.
    const noStore = { key: "Cache-Control", value: "no-store" };
    const sharePage = [{ key: "Referrer-Policy", value: "same-origin" }, noStore];
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/s/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }, noStore] },
      { source: "/shared/:path*", headers: sharePage },
      { source: "/link-unavailable", headers: sharePage },
    ];
  },
};

export default nextConfig;
