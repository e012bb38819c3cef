"use client";

import { useActionState, useEffect, useRef } from "react";

import { graceLabel } from "@/components/integrations/operation-time";
import { SubmitButton } from "@/components/ui/submit-button";
import { rotateSecretAction } from "@/lib/actions/integrations";
import type { ActionResult } from "@/lib/actions/safe-action";

/** The "Rotate secret" button and its dialog: choose the grace period, then rotate. */
export function RotateSecretDialog({
  integrationId,
  graceChoices,
  defaultGraceSeconds,
  retry = false,
}: {
  integrationId: string;
  /** In seconds. */
  graceChoices: number[];
  defaultGraceSeconds: number;
  /** An open rotation stopped (needs attention, or waits for a sign-in): the button continues it. */
  retry?: boolean;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(rotateSecretAction, null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (state?.ok) dialog.current?.close();
  }, [state]);
  const titleId = `rotate-title-${integrationId}`;
  return (
    <>
      <button
        type="button"
        onClick={() => dialog.current?.showModal()}
        className="focus-visible:outline-brand-600 rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2"
      >
        {retry ? "Continue rotation" : "Rotate secret"}
      </button>
      <p aria-live="polite" className="sr-only">
        {state?.ok ? state.message : null}
      </p>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={action} className="space-y-4 p-6">
          <input type="hidden" name="integrationId" value={integrationId} />
          <h2 id={titleId} className="text-brand-900 text-lg font-semibold">
            {retry ? "Continue the secret rotation" : "Rotate the client secret"}
          </h2>
          <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
            <li>A new secret is added to the app, with the same lifetime as the current one.</li>
            <li>It is verified as the app: a token, the billing account, a cost query.</li>
            <li>The cost platform gets it (the API serves it; a “secret rotated” webhook is sent).</li>
            <li>The old secret is removed after the grace period; both work until then.</li>
          </ol>
          {retry ? null : (
            <div>
              <label htmlFor={`grace-${integrationId}`} className="block text-sm font-medium text-slate-700">
                Grace period (old secret keeps working)
              </label>
              <select
                id={`grace-${integrationId}`}
                name="graceSeconds"
                defaultValue={String(defaultGraceSeconds)}
                className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
              >
                {graceChoices.map((seconds) => (
                  <option key={seconds} value={seconds}>
                    {graceLabel(seconds)}
                    {seconds === defaultGraceSeconds ? " (default)" : ""}
                  </option>
                ))}
              </select>
            </div>
          )}
          <p aria-live="polite" className="text-sm text-red-700">
            {state && !state.ok ? state.message : null}
          </p>
          <div className="flex justify-end gap-3">
            <button
              type="button"
              onClick={() => dialog.current?.close()}
              className="rounded-md px-4 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100"
            >
              Cancel
            </button>
            <SubmitButton pendingText="Rotating…">{retry ? "Continue" : "Rotate now"}</SubmitButton>
          </div>
        </form>
      </dialog>
    </>
  );
}
