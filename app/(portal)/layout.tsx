import { SiteHeader } from "@/components/layout/site-header";
import { getCurrentUser } from "@/lib/auth";

/**
 * The signed-in portal's pages (the home page, onboardings, integrations, settings) share this header,
 * so a page's loading, error and not-found states keep it. Each page still requires its own sign-in:
 * the header only reads who is signed in.
 */
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <>
      <SiteHeader user={user} />
      {children}
    </>
  );
}
