/** TanStack Query keys, in one place. */
export const queryKeys = {
  progress: (onboardingId: string) => ["onboarding", onboardingId, "progress"] as const,
};
