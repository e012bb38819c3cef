import { PageShellSkeleton } from "@/components/ui/page-shell";

export default function Loading() {
  return <PageShellSkeleton label="Loading the audit receipt" blocks={["h-32", "h-64"]} />;
}
