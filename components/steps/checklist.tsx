import { StepCard, type CardAccess } from "@/components/steps/step-card";
import type { DeliveryView } from "@/lib/data/deliveries";
import type { OnboardingView } from "@/lib/data/onboardings";
import { stepCatalog } from "@/lib/onboardings/catalog";

/** The five steps in the catalog's order, one card each, for the owner or a share link's holder. */
export function Checklist({
  onboarding,
  access,
  deliveries,
}: {
  onboarding: OnboardingView;
  access?: CardAccess;
  deliveries?: DeliveryView[];
}) {
  return (
    <section aria-labelledby="checklist-heading" className="mt-8">
      <h2 id="checklist-heading" className="sr-only">
        Checklist
      </h2>
      <ol className="space-y-4">
        {stepCatalog.map((info) => {
          const step = onboarding.steps.find((s) => s.stepId === info.id);
          return step ? (
            <StepCard
              key={info.id}
              info={info}
              step={step}
              onboarding={onboarding}
              access={access}
              deliveries={deliveries}
            />
          ) : null;
        })}
      </ol>
    </section>
  );
}
