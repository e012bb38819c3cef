import { PageShellSkeleton } from "@/components/ui/page-shell";

export default function Loading() {
  return <PageShellSkeleton label="Loading Vantage settings" blocks={["h-48"]} />;
}
