/**
 * Comparing an emulator answer with one of Microsoft's examples: the same property names and JSON types,
 * recursively (shapeDiff), or at least the example's (shapeSubsetDiff, for examples that omit fields the
 * live service sends, such as the role assignment example's condition and createdOn).
 */
function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/**
 * Differences between an actual JSON value and an example: key sets and types must match recursively.
 * Arrays whose example elements share one shape are compared element by element against the first; arrays
 * of mixed types (cost rows) are compared as tuples.
 */
export function shapeDiff(actual: unknown, expected: unknown, at = "$"): string[] {
  if (kind(actual) !== kind(expected)) return [`${at}: ${kind(actual)} instead of ${kind(expected)}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (expected.length === 0 || actual.length === 0) return [];
    const uniform = expected.every((e) => shapeDiff(e, expected[0], "").length === 0);
    if (uniform) return actual.flatMap((a, i) => shapeDiff(a, expected[0], `${at}[${i}]`));
    if (actual.length !== expected.length)
      return [`${at}: tuple of ${actual.length} instead of ${expected.length}`];
    return actual.flatMap((a, i) => shapeDiff(a, expected[i], `${at}[${i}]`));
  }
  if (kind(actual) === "object") {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const diffs: string[] = [];
    for (const k of Object.keys(e)) if (!(k in a)) diffs.push(`${at}.${k}: missing`);
    for (const k of Object.keys(a)) if (!(k in e)) diffs.push(`${at}.${k}: not in the example`);
    for (const k of Object.keys(e)) if (k in a) diffs.push(...shapeDiff(a[k], e[k], `${at}.${k}`));
    return diffs;
  }
  return [];
}

/** Like shapeDiff, but extra properties in the answer are allowed: the example's must be there, same types. */
export function shapeSubsetDiff(actual: unknown, expected: unknown, at = "$"): string[] {
  if (kind(actual) !== kind(expected)) return [`${at}: ${kind(actual)} instead of ${kind(expected)}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (expected.length === 0) return [];
    return actual.flatMap((a, i) => shapeSubsetDiff(a, expected[0], `${at}[${i}]`));
  }
  if (kind(actual) === "object") {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    return Object.keys(e).flatMap((k) =>
      k in a ? shapeSubsetDiff(a[k], e[k], `${at}.${k}`) : [`${at}.${k}: missing`],
    );
  }
  return [];
}
