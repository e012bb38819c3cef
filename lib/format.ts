/**
 * How the portal writes instants and amounts, on pages, in messages and in mails: one format for a date
 * and time ("7 Dec 2026, 11:34 UTC"), one for a day ("7 December 2026"), always in UTC.
 *
 * Built from the UTC fields by hand rather than with Intl, so a client component renders the same text
 * on the server and in the browser whatever their locale, time zone or ICU version (no hydration
 * mismatch), and a stored ISO string reads the same as a Date.
 */

type Instant = Date | string | number;

const shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const longMonths = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function toDate(value: Instant | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const two = (n: number) => String(n).padStart(2, "0");

function clock(date: Date, seconds: boolean) {
  const hm = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
  return seconds ? `${hm}:${two(date.getUTCSeconds())}` : hm;
}

/**
 * "7 Dec 2026, 11:34 UTC"; with `seconds`, "7 Dec 2026, 11:34:05 UTC" (for timelines whose phases follow
 * each other within a minute). No value, or an unreadable one, gives "".
 */
export function utcDateTime(value: Instant | null | undefined, options: { seconds?: boolean } = {}): string {
  const date = toDate(value);
  if (!date) return "";
  const day = `${date.getUTCDate()} ${shortMonths[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  return `${day}, ${clock(date, options.seconds ?? false)} UTC`;
}

/** "7 December 2026": the UTC day, for expiry dates and periods where the hour does not matter. */
export function utcDate(value: Instant | null | undefined): string {
  const date = toDate(value);
  if (!date) return "";
  return `${date.getUTCDate()} ${longMonths[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** "11:34 UTC": for a retry due within the next hours, where the day goes without saying. */
export function utcTime(value: Instant | null | undefined): string {
  const date = toDate(value);
  return date ? `${clock(date, false)} UTC` : "";
}

/** "$1,234.50", "€12.00"; with no currency known (Azure did not say), the bare amount with two decimals. */
export function money(amount: number, currency: string | null | undefined): string {
  if (!currency) return amount.toFixed(2);
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
}
