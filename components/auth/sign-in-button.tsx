"use client";

import { useState } from "react";

import { signInWithMicrosoft } from "@/components/auth/auth-requests";

function MicrosoftLogo() {
  return (
    <svg aria-hidden="true" viewBox="0 0 21 21" className="h-5 w-5">
      <rect x="1" y="1" width="9" height="9" fill="#f25022" />
      <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
      <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
      <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
    </svg>
  );
}

export function SignInButton({
  callbackUrl = "/onboardings",
  label = "Sign in with Microsoft",
  scope,
}: {
  callbackUrl?: string;
  label?: string;
  /** The scopes to ask consent for, when narrower than the portal's full set (incremental consent). */
  scope?: string;
}) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      aria-busy={pending}
      onClick={() => {
        setPending(true);
        void signInWithMicrosoft(callbackUrl, scope).catch(() => setPending(false));
      }}
      className="bg-brand-600 hover:bg-brand-700 focus-visible:outline-brand-600 inline-flex items-center gap-2 rounded-md px-5 py-3 font-semibold text-white shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-70"
    >
      <MicrosoftLogo />
      {pending ? "Redirecting to Microsoft…" : label}
    </button>
  );
}
