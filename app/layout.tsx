import type { Metadata } from "next";

import { DemoBanner } from "@/components/layout/demo-banner";
import { getEnv } from "@/lib/env";

import "./globals.css";

// Every page depends on the request (session, configuration read at start-up), never on the build.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "MCA Connect", template: "%s · MCA Connect" },
  description:
    "Connect an Azure Microsoft Customer Agreement billing account to your cost platform in about a minute.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  const env = getEnv();
  return (
    <html lang="en">
      <body className="min-h-screen">
        {env.emulatorUrl ? <DemoBanner emulatorUrl={env.emulatorUrl} /> : null}
        {children}
      </body>
    </html>
  );
}
