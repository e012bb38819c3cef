"use client";

import { useActionState, useEffect, useRef, useState, type ReactNode } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";

/**
 * One button acting on one row of a list (hidden `fields` name the row), with the action's answer
 * beside it. With `confirm`, the first click only asks: the question takes the button's place (so a
 * double click lands on text, not on the confirming button) and focus goes to Cancel (so Enter twice
 * does not confirm); Escape or Cancel gives the button back.
 */
export function RowActionForm<T = undefined>({
  action,
  fields,
  children,
  pendingText,
  label,
  variant = "secondary",
  confirm,
  sayDone = false,
  done,
}: {
  action: (prev: ActionResult<T> | null, data: FormData) => Promise<ActionResult<T>>;
  fields: Record<string, string>;
  /** The button's visible text. */
  children: ReactNode;
  pendingText: string;
  /** The button's accessible name, which says which row it acts on. */
  label: string;
  variant?: "primary" | "secondary";
  confirm?: { question: string; yes: string };
  /** Also say a success's message (else only a refusal is said: the row's change shows the rest). */
  sayDone?: boolean;
  /** What a success shows below the form, e.g. a new secret. */
  done?: (data: T) => ReactNode;
}) {
  const [state, formAction] = useActionState<ActionResult<T> | null, FormData>(action, null);
  const [asking, setAsking] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) cancel.current?.focus();
    else if (wasAsking.current) trigger.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  const said = state && (!state.ok || sayDone) ? state.message : null;
  return (
    <div>
      <form
        action={formAction}
        className="inline-flex flex-wrap items-center gap-2"
        onKeyDown={(event) => {
          if (asking && event.key === "Escape") setAsking(false);
        }}
      >
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {!confirm ? (
          <SubmitButton variant={variant} pendingText={pendingText} ariaLabel={label}>
            {children}
          </SubmitButton>
        ) : !asking ? (
          <button
            ref={trigger}
            type="button"
            aria-label={label}
            onClick={() => setAsking(true)}
            className="focus-visible:outline-brand-600 inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2"
          >
            {children}
          </button>
        ) : (
          <>
            <span className="text-sm font-medium text-red-900">{confirm.question}</span>
            <button
              ref={cancel}
              type="button"
              onClick={() => setAsking(false)}
              className="focus-visible:outline-brand-600 rounded-md px-3 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2"
            >
              Cancel
            </button>
            <SubmitButton variant="danger" pendingText={pendingText}>
              {confirm.yes}
            </SubmitButton>
          </>
        )}
        <span aria-live="polite" className={`text-sm ${state?.ok ? "text-emerald-800" : "text-red-700"}`}>
          {said}
        </span>
      </form>
      {state?.ok && done ? done(state.data) : null}
    </div>
  );
}
