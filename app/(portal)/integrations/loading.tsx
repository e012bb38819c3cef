import { PageShellSkeleton } from "@/components/ui/page-shell";

export default function Loading() {
  return <PageShellSkeleton label="Loading your integrations" blocks={["h-48"]} />;
}
