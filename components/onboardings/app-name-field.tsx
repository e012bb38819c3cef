/** The app registration's name for a new onboarding ("vantage" unless changed), with its error. */
export function AppNameField({ id, error }: { id: string; error?: string }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        App registration name
      </label>
      <input
        id={id}
        name="appDisplayName"
        defaultValue="vantage"
        required
        maxLength={120}
        aria-invalid={Boolean(error)}
        className="mt-1 block w-56 rounded-md border border-slate-300 px-3 py-2 text-sm"
      />
      {error ? <p className="mt-1 text-xs text-red-700">{error}</p> : null}
    </div>
  );
}
