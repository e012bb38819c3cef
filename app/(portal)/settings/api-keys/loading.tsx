import { PageShellSkeleton } from "@/components/ui/page-shell";

export default function Loading() {
  return <PageShellSkeleton label="Loading API keys" blocks={["h-48"]} />;
}
