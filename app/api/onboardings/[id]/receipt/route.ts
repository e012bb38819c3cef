import { getCurrentUser } from "@/lib/auth";
import { listAuditForReceipt } from "@/lib/data/audit";
import { getOnboarding } from "@/lib/data/onboardings";
import { receiptCsv, receiptRows } from "@/lib/onboardings/receipt";
import { isId } from "@/lib/validations/ids";

export const dynamic = "force-dynamic";

const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/** The audit receipt as a download, `?format=json` or `?format=csv`: the onboarding's owner only. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  const format = new URL(request.url).searchParams.get("format") ?? "json";
  if (format !== "json" && format !== "csv")
    return Response.json({ message: "format is json or csv." }, { status: 400, headers });
  const user = await getCurrentUser();
  if (!user) return Response.json({ message: "Sign in again." }, { status: 401, headers });
  // An id that cannot be one of ours is unknown: no query with it (PostgreSQL refuses a NUL byte).
  const onboarding = isId(id) ? await getOnboarding(user, id) : null;
  if (!onboarding) return Response.json({ message: "Not found" }, { status: 404, headers });
  const rows = receiptRows(await listAuditForReceipt(user, id));
  const filename = `mca-connect-receipt-${onboarding.id}.${format}`;
  const disposition = { "Content-Disposition": `attachment; filename="${filename}"` };
  if (format === "csv")
    return new Response(receiptCsv(rows), {
      headers: { ...headers, ...disposition, "Content-Type": "text/csv; charset=utf-8" },
    });
  return Response.json(
    {
      onboardingId: onboarding.id,
      tenantId: onboarding.tenantId,
      billingAccountId: onboarding.billingAccountName,
      clientId: onboarding.clientId,
      changes: rows,
    },
    { headers: { ...headers, ...disposition } },
  );
}
