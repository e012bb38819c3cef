import { PageShellSkeleton } from "@/components/ui/page-shell";

export default function Loading() {
  return <PageShellSkeleton label="Loading the integration" blocks={["h-40", "h-56"]} />;
}
