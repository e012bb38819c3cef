"use client";

import {
  QueryClient,
  QueryClientProvider,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

import { queryKeys } from "@/lib/query-keys";
import type { ProgressSnapshot } from "@/lib/view-types";

async function getJson(url: string, init?: RequestInit): Promise<ProgressSnapshot> {
  const res = await fetch(url, { ...init, cache: "no-store", headers: { accept: "application/json" } });
  if (!res.ok)
    throw new Error(
      ((await res.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${res.status}`,
    );
  return (await res.json()) as ProgressSnapshot;
}

/**
 * While something moves, each look waits at the server for the next change (`after`: what was seen
 * last), so a step's end, often the moment the onboarding is connected, shows as it happens; the next
 * look follows an answer at once.
 */
const nextLookMs = 100;

let browserQueryClient: QueryClient | undefined;

/**
 * One QueryClient per browser tab, made where it is used: only the pages that follow an onboarding
 * live load react-query (the home, list and settings pages do not).
 */
function queryClient() {
  const make = () =>
    new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } });
  if (typeof window === "undefined") return make();
  return (browserQueryClient ??= make());
}

type LiveProgressProps = {
  onboardingId: string;
  initialActive: boolean;
  initialFingerprint: string;
  /** On a share page: the link the server checks (with its cookie) instead of ownership. */
  shareLinkId?: string;
  /** A viewer watches; only someone who may act asks the server to run due steps. */
  canAdvance?: boolean;
  /**
   * Someone else may act meanwhile (a colleague with a share link, or the owner seen from a share
   * page): keep looking, slowly, even while nothing runs here.
   */
  othersMayAct?: boolean;
};

export function LiveProgress(props: LiveProgressProps) {
  return (
    <QueryClientProvider client={queryClient()}>
      <Progress {...props} />
    </QueryClientProvider>
  );
}

/**
 * Keeps the checklist live without reloads: polls the read-only progress endpoint while something is
 * queued, waiting or running, asks the server to advance when a step is due, and refreshes the server
 * components when anything changed. Idle onboardings are not polled.
 */
function Progress({
  onboardingId,
  initialActive,
  initialFingerprint,
  shareLinkId,
  canAdvance = true,
  othersMayAct = false,
}: LiveProgressProps) {
  const router = useRouter();
  const client = useQueryClient();
  const seen = useRef(initialFingerprint);
  const linkQuery = shareLinkId ? `?link=${encodeURIComponent(shareLinkId)}` : "";
  const key = queryKeys.progress(onboardingId);
  const progress = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => {
      const last = client.getQueryData<ProgressSnapshot>(key);
      const params = new URLSearchParams(shareLinkId ? { link: shareLinkId } : {});
      if (last?.active) {
        params.set("after", last.fingerprint);
        params.set("due", last.due ? "1" : "0");
      }
      const search = params.size ? `?${params}` : "";
      return getJson(`/api/onboardings/${onboardingId}/progress${search}`, { signal });
    },
    refetchInterval: (query) =>
      (query.state.data?.active ?? initialActive)
        ? query.state.fetchFailureCount > 0
          ? 2000
          : nextLookMs
        : othersMayAct && query.state.data?.status !== "completed"
          ? 4000
          : false,
    enabled: true,
  });
  const advance = useMutation({
    mutationFn: () => getJson(`/api/onboardings/${onboardingId}/advance${linkQuery}`, { method: "POST" }),
    // The advance route answers with the progress after it ran: that is the next look, no second request.
    onSuccess: (data) => client.setQueryData(key, data),
  });

  // A server render after an action (Connect, Run) brings new props: look again at once.
  const { refetch } = progress;
  useEffect(() => {
    void refetch();
  }, [initialFingerprint, initialActive, refetch]);

  const data = progress.data;
  useEffect(() => {
    if (!data) return;
    if (data.fingerprint !== seen.current) {
      seen.current = data.fingerprint;
      router.refresh();
    }
    if (canAdvance && data.due && !advance.isPending) advance.mutate();
  }, [data, advance, router, canAdvance]);

  const running = data?.steps.filter((s) => s.status === "running" || s.status === "waiting").length ?? 0;
  const message = advance.isError
    ? `Could not continue: ${advance.error.message}`
    : progress.isError
      ? "Lost contact with the server; retrying…"
      : data?.active
        ? `Working${running ? `: ${running} step${running === 1 ? "" : "s"} in progress` : ""}. ${canAdvance ? "You can close this tab; progress is saved." : "This page follows along."}`
        : null;
  return (
    <p role="status" aria-live="polite" className="min-h-5 text-sm text-slate-700">
      {message}
    </p>
  );
}
