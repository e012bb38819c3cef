/** A share link's validity, in days. Without zod: the share form (a client component) shows them. */
export const shareLinkMaxDays = 30;
export const shareLinkDefaultDays = 7;
