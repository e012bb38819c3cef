import { ConnectFirstForm } from "@/components/onboardings/connect-first-form";
import { NewOnboardingForm } from "@/components/onboardings/new-onboarding-form";
import { stepCatalog } from "@/lib/onboardings/catalog";

/**
 * What a person with no onboarding sees after sign-in: the five steps as a checklist, with our drawings
 * of the Azure screens, and one Connect that creates the onboarding and runs it. Starting without
 * running (or by hand) stays below.
 */
export function FirstOnboarding({ vantageTokenHint }: { vantageTokenHint: string | null }) {
  return (
    <>
      <h1 className="text-brand-900 text-3xl font-bold">Connect your billing account</h1>
      <p className="mt-2 text-slate-700">
        Five steps, done for you with your Microsoft sign-in. Click Connect and watch them run.
      </p>
      <div className="mt-6">
        <ConnectFirstForm vantageTokenHint={vantageTokenHint} />
      </div>

      <section aria-labelledby="first-checklist-heading" className="mt-8">
        <h2 id="first-checklist-heading" className="text-brand-900 text-xl font-semibold">
          The five steps
        </h2>
        <ol className="mt-4 space-y-4">
          {stepCatalog.map((info) => (
            <li
              key={info.id}
              aria-labelledby={`first-step-${info.id}`}
              className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
            >
              <p className="text-brand-700 text-sm font-medium">Step {info.number}</p>
              <h3 id={`first-step-${info.id}`} className="text-lg font-semibold text-slate-900">
                {info.title}
              </h3>
              <p className="mt-2 text-sm text-slate-700">{info.summary}</p>
              <p className="mt-1 text-sm text-slate-700">
                <span className="font-medium">Why: </span>
                {info.why}
              </p>
              <div className="mt-3 flex flex-wrap gap-3">
                {info.pictures.map((picture) => (
                  <figure key={picture.src} className="w-full max-w-64">
                    {/* eslint-disable-next-line @next/next/no-img-element -- static SVG drawings, no optimisation needed */}
                    <img
                      src={picture.src}
                      alt={picture.alt}
                      width={800}
                      height={500}
                      loading="lazy"
                      decoding="async"
                      className="h-auto w-full rounded border border-slate-200 bg-white"
                    />
                    <figcaption className="mt-1 text-xs text-slate-700">Example (our drawing)</figcaption>
                  </figure>
                ))}
              </div>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="other-ways-heading" className="mt-10">
        <h2 id="other-ways-heading" className="text-brand-900 text-xl font-semibold">
          Other ways to start
        </h2>
        <p className="mt-2 text-sm text-slate-700">
          Start an onboarding without running it yet, or do the steps by hand in the Azure portal or the Azure
          CLI and paste the values back.
        </p>
        <div className="mt-4">
          <NewOnboardingForm />
        </div>
      </section>
    </>
  );
}
