/**
 * What a Microsoft Customer Agreement billing account ID looks like: `<guid>:<guid>_<yyyy-mm-dd>`
 * (azure-api.md B). Anything else is refused before it reaches a URL, where `..` or `/` would name
 * another endpoint.
 */
const guid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

export const mcaBillingAccountIdPattern = new RegExp(`^${guid}:${guid}_\\d{4}-\\d{2}-\\d{2}$`, "i");

export function isMcaBillingAccountId(value: unknown): value is string {
  return typeof value === "string" && mcaBillingAccountIdPattern.test(value);
}
