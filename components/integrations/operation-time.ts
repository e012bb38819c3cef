/** "2026-12-04 11:33 UTC": the same on the server and in the browser (no locale, no time zone). */
export function utc(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "";
}

/** With seconds, for a timeline whose phases follow each other within a minute. */
export function utcSeconds(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : "";
}

export function graceLabel(minutes: number): string {
  if (minutes === 0) return "none: remove the old secret right away";
  if (minutes % 1440 === 0) return minutes === 1440 ? "24 hours" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
