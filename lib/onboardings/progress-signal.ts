/**
 * "An onboarding's progress moved", inside one portal process: the progress endpoint's waiting
 * requests (lib/onboardings/progress.ts `progressAfter`) answer the moment a step here takes its lease,
 * finishes or saves, instead of at the poller's next look. Changes made by another instance are found
 * by the waiting request's own re-read, at most a second later.
 *
 * Kept on globalThis: Next loads route handlers, server actions and instrumentation as separate bundles
 * that would otherwise each hold their own copy of this module.
 */
import { EventEmitter } from "node:events";

const key = Symbol.for("mca-connect.progress-signal");
const holder = globalThis as typeof globalThis & { [key]?: EventEmitter };
const emitter = (holder[key] ??= new EventEmitter().setMaxListeners(0));

export function signalProgress(onboardingId: string): void {
  emitter.emit(onboardingId);
}

/** Resolves true when the onboarding's progress is signalled within `ms`, false on timeout or abort. */
export function progressSignalled(onboardingId: string, ms: number, abort?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (abort?.aborted || ms <= 0) return resolve(false);
    const finish = (signalled: boolean) => {
      clearTimeout(timer);
      emitter.off(onboardingId, onSignal);
      abort?.removeEventListener("abort", onAbort);
      resolve(signalled);
    };
    const onSignal = () => finish(true);
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    emitter.on(onboardingId, onSignal);
    abort?.addEventListener("abort", onAbort);
  });
}
