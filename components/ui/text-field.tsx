import type { InputHTMLAttributes, ReactNode } from "react";

/** A labelled text input with its field error below, tied to it for screen readers. */
export function TextField({
  id,
  label,
  error,
  width = "max-w-md",
  ...input
}: {
  id: string;
  label: ReactNode;
  /** The first of the action's field errors for it, if any. */
  error?: string;
  /** A Tailwind max-width for the input. */
  width?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className">) {
  const errorId = `${id}-error`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        {...input}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        className={`mt-1 w-full ${width} rounded-md border border-slate-300 px-2 py-1.5 text-sm`}
      />
      {error ? (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
