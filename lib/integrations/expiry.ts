/** Whole days left before `expiresAt`, rounded up (23 hours left is "1 day"); 0 or less once it passed. */
export function daysLeft(expiresAt: Date, now: Date = new Date()): number {
  return Math.ceil((expiresAt.getTime() - now.getTime()) / 86_400_000);
}

/** Days before a secret's expiry at which a reminder goes out (and the page starts warning: the first). */
export const reminderThresholds = [30, 14, 7, 1] as const;
