"use client";

import { useFormStatus } from "react-dom";

type Variant = "primary" | "secondary" | "danger";

const styles: Record<Variant, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/60",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-red-700/50",
};

export function SubmitButton({
  children,
  pendingText,
  variant = "primary",
  disabled,
  ariaLabel,
}: {
  children: React.ReactNode;
  pendingText?: string;
  variant?: Variant;
  disabled?: boolean;
  /** When the visible text alone does not say which thing the button acts on. */
  ariaLabel?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending || disabled}
      aria-busy={pending}
      aria-label={ariaLabel}
      className={`focus-visible:outline-brand-600 inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 ${styles[variant]}`}
    >
      {pending ? (pendingText ?? "Working…") : children}
    </button>
  );
}
