/** A grace period, given in seconds, in the largest whole unit that says it exactly: "24 hours", "15 seconds". */
export function graceLabel(seconds: number): string {
  if (seconds === 0) return "none: remove the old secret right away";
  const units: [number, string, string][] = [
    [86_400, "day", "days"],
    [3600, "hour", "hours"],
    [60, "minute", "minutes"],
  ];
  // A day reads as "24 hours", as the dialog always said it.
  if (seconds === 86_400) return "24 hours";
  for (const [size, one, many] of units)
    if (seconds % size === 0) return seconds === size ? `1 ${one}` : `${seconds / size} ${many}`;
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}
