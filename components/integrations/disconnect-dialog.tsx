"use client";

import { useActionState, useEffect, useRef, useState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { disconnectIntegrationAction } from "@/lib/actions/integrations";
import type { ActionResult } from "@/lib/actions/safe-action";

/** The "Disconnect" button and its dialog, which asks to type the app's (or billing account's) name. */
export function DisconnectDialog({
  integrationId,
  confirmWith,
  billingAccountName,
  resume = false,
}: {
  integrationId: string;
  /** The name to type: the app registration's. */
  confirmWith: string;
  billingAccountName: string;
  /** A disconnect was interrupted or refused: the button continues it. */
  resume?: boolean;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(disconnectIntegrationAction, null);
  const [typed, setTyped] = useState("");
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    // Done, or stopped with a reason the panel shows: the dialog has said what it had to.
    if (state?.ok) dialog.current?.close();
  }, [state]);
  const titleId = `disconnect-title-${integrationId}`;
  const fieldId = `disconnect-confirm-${integrationId}`;
  const norm = (s: string) => s.trim().toLowerCase();
  const matches = [confirmWith, billingAccountName].some((name) => norm(name) === norm(typed));
  const error = state && !state.ok ? (state.fieldErrors?.confirmation?.[0] ?? state.message) : null;
  return (
    <>
      <button
        type="button"
        onClick={() => dialog.current?.showModal()}
        className="rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-800 shadow-sm hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
      >
        {resume ? "Continue disconnect" : "Disconnect…"}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={action} className="space-y-4 p-6">
          <input type="hidden" name="integrationId" value={integrationId} />
          <h2 id={titleId} className="text-lg font-semibold text-red-900">
            Disconnect this billing account?
          </h2>
          <p className="text-sm text-slate-700">
            This removes from Azure the app&apos;s Billing account reader role, its client secrets, its
            service principal and the app registration. The cost platform can no longer read costs. Each
            removal is recorded in the audit receipt.
          </p>
          <div>
            <label htmlFor={fieldId} className="block text-sm font-medium text-slate-700">
              Type <span className="font-mono font-semibold">{confirmWith}</span> to confirm
            </label>
            <input
              id={fieldId}
              name="confirmation"
              autoComplete="off"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              aria-invalid={Boolean(error)}
              aria-describedby={`${fieldId}-help`}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
            <p id={`${fieldId}-help`} aria-live="polite" className="mt-1 text-xs text-red-700">
              {error}
            </p>
          </div>
          <div className="flex justify-end gap-3">
            <button
              type="button"
              onClick={() => dialog.current?.close()}
              className="rounded-md px-4 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100"
            >
              Cancel
            </button>
            <SubmitButton variant="danger" pendingText="Disconnecting…" disabled={!matches}>
              Disconnect
            </SubmitButton>
          </div>
        </form>
      </dialog>
    </>
  );
}
