/**
 * The context each ciphertext is bound to (authenticated, not stored): the row it belongs to. A
 * ciphertext copied to another row, or read for another purpose, fails to decrypt.
 */
export const tokenCacheContext = (homeAccountId: string) => `msal-cache:${homeAccountId}`;
export const onboardingSecretContext = (onboardingId: string) => `onboarding-secret:${onboardingId}`;
export const integrationSecretContext = (integrationId: string) => `integration-secret:${integrationId}`;
export const webhookSecretContext = (endpointId: string) => `webhook-secret:${endpointId}`;
export const rotationSecretContext = (operationId: string) => `rotation-secret:${operationId}`;
export const vantageTokenContext = (userId: string) => `vantage-token:${userId}`;
