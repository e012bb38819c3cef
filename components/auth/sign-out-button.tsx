"use client";

import { signOutTo } from "@/components/auth/auth-requests";

export function SignOutButton({ callbackUrl = "/" }: { callbackUrl?: string }) {
  return (
    <button
      type="button"
      onClick={() => void signOutTo(callbackUrl)}
      className="focus-visible:outline-brand-600 rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100 focus-visible:outline-2"
    >
      Sign out
    </button>
  );
}
