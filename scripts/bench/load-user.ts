/**
 * One person of the load benchmark, through the portal's HTTP interface as their browser would go:
 * the home page, the real sign-in (next-auth → the emulator's account picker and consent page → the
 * callback), "Start a new onboarding" and "Connect" as the pages' server actions, then the checklist's
 * poller (components/onboardings/live-progress.tsx): the progress endpoint at the pace the page polls, the
 * advance route when a step is due, a server refresh when the fingerprint changes, until Connected.
 */
import { formWith, inputs, VirtualBrowser, type Answer } from "./load-browser";

/** What the pages' forms call: learned once from their HTML, as a browser learns them from its scripts. */
export type ActionIds = { createOnboarding: string; connect: string };

export type StepKind = "sign-in" | "start" | "connect" | "poll" | "advance" | "refresh";

/** A request to the portal: wall-clock interval (epoch ms) and what it was for. */
export type PortalRequest = {
  kind: StepKind;
  start: number;
  end: number;
  status: number;
  /** A progress look that waited at the server for a change: how long it idled (Server-Timing). */
  waitMs?: number;
};

export type UserRun = {
  tenantId: string;
  requests: PortalRequest[];
  /** Connect clicked → the poll that saw Connected (ms); undefined when it never connected. */
  connectToConnectedMs?: number;
  errors: string[];
};

type Tenant = { tenantId: string; admin: { id: string } };

type Progress = {
  status: string;
  fingerprint: string;
  active: boolean;
  due: boolean;
  nextDueAt: string | null;
};

const epoch = (t: number) => performance.timeOrigin + t;

/** After an answer, the page's next look (live-progress.tsx `nextLookMs`). */
const nextLookMs = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function actionIdIn(html: string, marker: string): string {
  const field = inputs(formWith(html, marker).html).find((i) => /^\$ACTION_\d+:0$/.test(i.name));
  if (!field) throw new Error(`no server action in the form with ${marker}`);
  return (JSON.parse(field.value) as { id: string }).id;
}

export class LoadUser {
  readonly browser: VirtualBrowser;
  readonly run: UserRun;

  /** `address`: the loopback address this person's browser connects from (see load-browser.ts). */
  constructor(
    private readonly portal: string,
    private readonly tenant: Tenant,
    address?: string,
  ) {
    this.browser = new VirtualBrowser(address);
    this.run = { tenantId: tenant.tenantId, requests: [], errors: [] };
  }

  /** A portal request, recorded; each redirect hop on the portal counts as its own request. */
  private async portalCall(kind: StepKind, url: string, init: Parameters<VirtualBrowser["go"]>[1] = {}) {
    const answer = await this.browser.go(url, init);
    this.record(kind, answer);
    if (answer.status >= 400)
      throw new Error(`${init.method ?? "GET"} ${new URL(url).pathname}: ${answer.status}`);
    return answer;
  }

  private record(kind: StepKind, answer: Answer) {
    for (const hop of answer.hops)
      if (hop.url.startsWith(this.portal))
        this.run.requests.push({
          kind,
          start: epoch(hop.started),
          end: epoch(hop.ended),
          status: hop.status,
        });
    const waited = /(?:^|,)\s*wait;dur=(\d+)/.exec(answer.headers.get("server-timing") ?? "");
    if (waited) this.run.requests.at(-1)!.waitMs = Number(waited[1]);
  }

  /** Home page, then the sign-in; answers the page it lands on (the onboardings list). */
  async signIn(): Promise<Answer> {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    await this.portalCall("sign-in", `${this.portal}/`);
    const csrf = await this.portalCall("sign-in", `${this.portal}/api/auth/csrf`);
    const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
    // next-auth's signIn() from the sign-in button: a POST that answers where to go.
    const started = await this.portalCall("sign-in", `${this.portal}/api/auth/signin/azure-ad`, {
      method: "POST",
      headers: { ...form, "x-auth-return-redirect": "1" },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${this.portal}/onboardings`, json: "true" }),
    });
    const picker = await this.browser.go((JSON.parse(started.text) as { url: string }).url);
    const pickerForm = formWith(picker.text, this.tenant.admin.id);
    const flow = inputs(pickerForm.html).find((i) => i.name === "flow")!.value;
    const consent = await this.browser.go(new URL(pickerForm.action!, picker.url).toString(), {
      method: "POST",
      headers: form,
      body: new URLSearchParams({ flow, user: this.tenant.admin.id }),
    });
    // Consent is asked once per tenant (a second sign-in, as the warm-up's retry, goes straight back).
    const landed = consent.url.startsWith(this.portal) ? consent : await this.accept(consent);
    this.record("sign-in", landed);
    if (landed.status !== 200 || !landed.url.startsWith(`${this.portal}/onboardings`))
      throw new Error(
        `sign-in ended at ${landed.status} ${new URL(landed.url).pathname}${new URL(landed.url).search}`,
      );
    return landed;
  }

  /** Accept on the consent page, for the whole organization (the checkbox an administrator ticks). */
  private accept(consent: Answer): Promise<Answer> {
    const consentForm = formWith(consent.text, 'name="decision"');
    const hidden = inputs(consentForm.html).filter((i) => i.type === "hidden");
    // The emulator redirects to the portal's callback, which redirects to the list.
    return this.browser.go(new URL(consentForm.action!, consent.url).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([
        ...hidden.map((i) => [i.name, i.value]),
        ["consentOnBehalf", "true"],
        ["decision", "accept"],
      ]),
    });
  }

  /** A server action as React calls it: POST to the page with Next-Action and the form as FormData. */
  private async action(kind: StepKind, page: string, id: string, fields: Record<string, string>) {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(`_1_${k}`, v);
    body.append("0", '[null,"$K1"]');
    const answer = await this.portalCall(kind, `${this.portal}${page}`, {
      method: "POST",
      headers: { accept: "text/x-component", "next-action": id },
      body,
    });
    if (/^\d+:\{"ok":false/m.test(answer.text)) throw new Error(`${kind} action refused`);
    return answer;
  }

  /** A look at the progress; after `seen` (while it was active) it waits at the server for a change. */
  private async progress(onboardingId: string, seen?: Progress): Promise<Progress> {
    const after = seen?.active
      ? `?${new URLSearchParams({ after: seen.fingerprint, due: seen.due ? "1" : "0" })}`
      : "";
    const answer = await this.portalCall(
      "poll",
      `${this.portal}/api/onboardings/${onboardingId}/progress${after}`,
      { headers: { accept: "application/json" } },
    );
    return JSON.parse(answer.text) as Progress;
  }

  /** The whole visit; errors are recorded, not thrown. */
  async visit(ids: ActionIds, timeoutMs: number): Promise<UserRun> {
    try {
      await this.signIn();
      const created = await this.action("start", "/onboardings", ids.createOnboarding, {
        appDisplayName: "vantage",
        secretExpiryMonths: "12",
        mode: "automated",
      });
      const target = created.headers.get("x-action-redirect")?.split(";")[0];
      const onboardingId = /^\/onboardings\/([^/]+)$/.exec(target ?? "")?.[1];
      if (!onboardingId) throw new Error(`start did not open a checklist (${target})`);
      const page = `/onboardings/${onboardingId}`;
      await this.progress(onboardingId); // the island's first look, once the checklist shows
      const clicked = performance.now();
      await this.action("connect", page, ids.connect, { onboardingId });
      await this.poll(onboardingId, page, clicked, timeoutMs);
    } catch (error) {
      this.run.errors.push(error instanceof Error ? error.message : String(error));
    }
    return this.run;
  }

  /**
   * The live-progress island: looks at the progress (each look waiting at the server for a change), fires the advance route when a step is due (not
   * twice at once; its answer is the next progress), and refreshes the server render when the
   * fingerprint changes, as router.refresh() does (an RSC request, not awaited by the poller).
   */
  private async poll(onboardingId: string, page: string, clicked: number, timeoutMs: number) {
    let seen = "";
    let advancing: Promise<Progress> | null = null;
    let looking: Promise<Progress> | null = null;
    const inFlight = new Set<Promise<unknown>>();
    const track = (work: Promise<unknown>) => {
      const kept = work.catch((error: unknown) =>
        this.run.errors.push(error instanceof Error ? error.message : String(error)),
      );
      inFlight.add(kept);
      void kept.finally(() => inFlight.delete(kept));
    };
    let data = await this.progress(onboardingId);
    while (performance.now() - clicked < timeoutMs) {
      if (data.status === "completed") {
        this.run.connectToConnectedMs = performance.now() - clicked;
        break;
      }
      if (data.fingerprint !== seen) {
        seen = data.fingerprint;
        track(this.portalCall("refresh", `${this.portal}${page}`, { headers: { rsc: "1" } }));
      }
      if (data.due && !advancing) {
        const call = this.portalCall("advance", `${this.portal}/api/onboardings/${onboardingId}/advance`, {
          method: "POST",
          headers: { accept: "application/json", origin: this.portal },
        });
        advancing = call
          .then((answer) => JSON.parse(answer.text) as Progress)
          .finally(() => (advancing = null));
        track(advancing);
      }
      if (!data.active && !advancing) throw new Error(`onboarding stopped: ${data.status}`);
      // One look at a time, each waiting at the server for a change; when an advance answers first,
      // its answer is the next progress and the look goes on.
      if (!looking) {
        await sleep(nextLookMs);
        looking = this.progress(onboardingId, data);
      }
      const look = looking;
      const answered = await Promise.race([
        look.then((progress) => ({ progress, look: true })),
        advancing?.then((progress) => ({ progress, look: false })).catch(() => null) ??
          new Promise<null>(() => {}),
      ]);
      if (!answered || answered.look) looking = null;
      data = answered ? answered.progress : await look;
    }
    await Promise.all(inFlight);
    if (this.run.connectToConnectedMs === undefined)
      throw new Error(`not Connected within ${Math.round(timeoutMs / 1000)} s (last ${data.status})`);
  }

  /** The action ids, from the pages' own forms (server-rendered for use before scripts load). */
  async learnActionIds(): Promise<ActionIds> {
    const list = await this.signIn();
    const createOnboarding = actionIdIn(list.text, "Start a new onboarding");
    const created = await this.action("start", "/onboardings", createOnboarding, {
      appDisplayName: "vantage",
      secretExpiryMonths: "12",
      mode: "automated",
    });
    const target = created.headers.get("x-action-redirect")!.split(";")[0]!;
    const checklist = await this.portalCall("refresh", `${this.portal}${target}`);
    return { createOnboarding, connect: actionIdIn(checklist.text, 'name="onboardingId"') };
  }
}
