import { CopyButton } from "@/components/ui/copy-button";
import type { StepInfo } from "@/lib/onboardings/catalog";
import type { ManualValueKey, PathPart, PortalPath } from "@/lib/onboardings/manual/portal-path";

export type KnownValues = Record<ManualValueKey, string | null>;

const valueLabels: Record<ManualValueKey, string> = {
  tenantId: "Directory (tenant) ID",
  appDisplayName: "app name",
  secretDescription: "secret description",
  secretExpiryMonths: "months",
  clientId: "Application (client) ID",
  servicePrincipalId: "service principal ID",
  billingAccountName: "Billing account ID",
};

// Short words are typed, not copied: they need no button.
const copyable = new Set<ManualValueKey>([
  "tenantId",
  "clientId",
  "servicePrincipalId",
  "billingAccountName",
  "appDisplayName",
  "secretDescription",
]);

function Part({ part, values }: { part: PathPart; values: KnownValues }) {
  if (typeof part === "string") return <>{part}</>;
  if ("ui" in part) return <strong className="font-semibold text-slate-900">{part.ui}</strong>;
  const value = values[part.value];
  if (!value) return <>{part.unknown}</>;
  return (
    <>
      <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.8125rem] break-all text-slate-900">
        {value}
      </code>
      {copyable.has(part.value) ? (
        <>
          {" "}
          <CopyButton value={value} label={`Copy ${valueLabels[part.value]}`} />
        </>
      ) : null}
    </>
  );
}

/** A step's click path in the Azure portal, values filled in, each screen's picture beside it. */
export function PortalInstructions({
  info,
  path,
  values,
}: {
  info: StepInfo;
  path: PortalPath;
  values: KnownValues;
}) {
  return (
    <div>
      <ol className="list-decimal space-y-4 pl-5 text-slate-800">
        {path.instructions.map((instruction, index) => {
          const picture = instruction.picture === undefined ? undefined : info.pictures[instruction.picture];
          return (
            <li key={index} className="pl-1">
              <p className="leading-relaxed">
                {instruction.parts.map((part, i) => (
                  <Part key={i} part={part} values={values} />
                ))}
              </p>
              {picture ? (
                <figure className="mt-2">
                  {/* eslint-disable-next-line @next/next/no-img-element -- static SVG drawings, no optimisation needed */}
                  <img
                    src={picture.src}
                    alt={picture.alt}
                    width={800}
                    height={500}
                    loading="lazy"
                    className="w-full max-w-xl rounded border border-slate-200 bg-white"
                  />
                  <figcaption className="mt-1 text-xs text-slate-600">
                    Example (our drawing): {picture.alt}.
                  </figcaption>
                </figure>
              ) : null}
            </li>
          );
        })}
      </ol>
      {path.tip ? (
        <p className="mt-4 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-950">
          {path.tip.map((part, i) => (
            <Part key={i} part={part} values={values} />
          ))}
        </p>
      ) : null}
    </div>
  );
}
