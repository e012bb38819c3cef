/** Secret lifetimes offered, in months; 12 is the default, as in the Azure portal's recommendation. */
export const secretExpiryChoices = [6, 12, 24] as const;
export const defaultSecretExpiryMonths = 12;
