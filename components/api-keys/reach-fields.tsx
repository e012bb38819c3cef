/**
 * What an operator's key or webhook endpoint reaches: every tenant, the tenants listed, or (keys only)
 * the integrations listed. Plain radios and text areas, so the form works before hydration.
 */
type ReachChoice = "all-tenants" | "tenants" | "integrations";

function IdList({
  id,
  name,
  label,
  placeholder,
  error,
}: {
  id: string;
  name: string;
  label: string;
  placeholder: string;
  error?: string;
}) {
  return (
    <div className="mt-1 ml-6">
      <label htmlFor={id} className="block text-sm text-slate-700">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={2}
        placeholder={placeholder}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
        className="mt-1 w-full max-w-xl rounded-md border border-slate-300 px-2 py-1.5 font-mono text-xs"
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function ReachFields({
  idPrefix,
  legend,
  choices,
  errors,
}: {
  idPrefix: string;
  legend: string;
  choices: ReachChoice[];
  errors?: Record<string, string[] | undefined>;
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-1 space-y-2 text-sm text-slate-800">
        <label className="flex items-center gap-2">
          <input type="radio" name="reach" value="all-tenants" defaultChecked />
          Every tenant&apos;s integrations
        </label>
        <div>
          <label className="flex items-center gap-2">
            <input type="radio" name="reach" value="tenants" />
            The integrations of these tenants
          </label>
          <IdList
            id={`${idPrefix}-tenant-ids`}
            name="tenantIds"
            label="Tenant ids, one per line"
            placeholder="72f988bf-86f1-41af-91ab-2d7cd011db47"
            error={errors?.tenantIds?.[0]}
          />
        </div>
        {choices.includes("integrations") ? (
          <div>
            <label className="flex items-center gap-2">
              <input type="radio" name="reach" value="integrations" />
              These integrations only
            </label>
            <IdList
              id={`${idPrefix}-integration-ids`}
              name="integrationIds"
              label="Integration ids (int_…), one per line"
              placeholder="int_0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10"
              error={errors?.integrationIds?.[0]}
            />
          </div>
        ) : null}
      </div>
      {errors?.reach ? <p className="mt-1 text-sm text-red-700">{errors.reach[0]}</p> : null}
    </fieldset>
  );
}
