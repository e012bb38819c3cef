"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { saveVantageTokenAction } from "@/lib/actions/destinations";
import type { ActionResult } from "@/lib/actions/safe-action";

/** Pastes (or replaces) the Vantage API token; the answer names the workspaces, never the token. */
export function VantageTokenForm({ replacing }: { replacing: boolean }) {
  const [state, action] = useActionState<ActionResult<{ workspaces: string[] }> | null, FormData>(
    saveVantageTokenAction,
    null,
  );
  const error = state && !state.ok ? (state.fieldErrors?.vantageToken?.[0] ?? state.message) : null;
  return (
    <form action={action} className="space-y-2">
      <label htmlFor="vantage-token" className="block text-sm font-medium text-slate-700">
        {replacing ? "Replace with a new Vantage API token" : "Vantage API token"}
      </label>
      <input
        id="vantage-token"
        name="vantageToken"
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        maxLength={500}
        aria-invalid={Boolean(error)}
        aria-describedby="vantage-token-hint"
        className="block w-full max-w-md rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
      />
      <p id="vantage-token-hint" className="text-xs text-slate-600">
        In Vantage&apos;s console: Settings &gt; API Access Tokens, create a token with the{" "}
        <strong>Write</strong> scope (Read and Write). MCA Connect checks it with Vantage, stores it
        encrypted, and never shows it again.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton pendingText="Checking with Vantage…">
          {replacing ? "Replace token" : "Save token"}
        </SubmitButton>
        <p aria-live="polite" className={`text-sm ${state?.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state?.ok ? state.message : error}
        </p>
      </div>
    </form>
  );
}
