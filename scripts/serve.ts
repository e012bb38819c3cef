/**
 * The portal's HTTP server: Next's production server (what `next start` runs) behind a listener of our
 * own, which is the one place that sees each request's socket. It works out the client's address
 * (lib/http/client-address.ts: the socket's, or X-Forwarded-For as far as TRUSTED_PROXY_HOPS trusts it) and
 * passes it to the handlers in a header of its own, overwriting any copy a client sent. Run by the
 * launcher (scripts/start.ts) and by `npm run serve`; needs a built portal (`next build`).
 *
 *   tsx scripts/serve.ts [--port N] [--hostname H]
 */
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";

import { loadEnvConfig } from "@next/env";

import { ConfigError, parseEnv } from "../lib/env";
import { markClientAddressServer, stampClientAddress } from "../lib/http/client-address";

const { values: args } = parseArgs({
  options: { port: { type: "string" }, hostname: { type: "string" } },
});

const root = path.resolve(__dirname, "..");
// As `next start` does: the production build, and the .env files it would read.
(process.env as Record<string, string>).NODE_ENV ||= "production";
loadEnvConfig(root, false, { info: () => {}, error: console.error });

async function main() {
  let trustedHops: number;
  try {
    trustedHops = parseEnv(process.env).trustedProxyHops;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`MCA Connect cannot start: ${error.message}`);
    process.exit(1);
  }
  const port = Number(args.port ?? process.env.PORT ?? 3000);
  const hostname = args.hostname ?? process.env.HOSTNAME ?? "0.0.0.0";
  // The name `next start` gives its process, which the load benchmark looks for.
  process.title = "next-server";
  markClientAddressServer();

  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((request, response) => {
    stampClientAddress(request, trustedHops);
    handle(request, response).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) response.writeHead(500).end("Internal Server Error");
    });
  });
  server.listen(port, hostname, () => {
    console.log(`MCA Connect listening on http://${hostname}:${port}`);
  });
}

void main();
