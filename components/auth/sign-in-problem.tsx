/**
 * What a failed sign-in means and what to do, by next-auth's error name and Microsoft's AADSTS code.
 * Shown on the sign-in error page and on the sign-in page (next-auth sends callback errors there).
 */
type Explanation = { title: string; body: string; action: string };

function explain(error: string, code: string): Explanation {
  if (code === "AADSTS65004" || (error === "access_denied" && !code)) {
    return {
      title: "You declined the permissions",
      body: "Microsoft asked whether MCA Connect may act on your behalf, and the answer was no. Without these permissions the portal cannot create the app registration or read your billing account.",
      action:
        "Sign in again and choose Accept, or use manual mode to do the steps yourself in the Azure portal.",
    };
  }
  if (code === "AADSTS90094" || code === "AADSTS65001" || error === "consent_required") {
    return {
      title: "An administrator must approve MCA Connect first",
      body: "Creating app registrations needs the Application.ReadWrite.All permission, which only an administrator (for example a Global Administrator or Cloud Application Administrator) can grant for your organization.",
      action:
        "Ask an administrator to sign in once and consent on behalf of your organization, then sign in again.",
    };
  }
  if (error === "NotAnOrganizationAccount") {
    return {
      title: "Use a work or school account",
      body: "The account you chose is not part of a Microsoft Entra tenant, so it cannot own app registrations or billing accounts.",
      action: "Sign in again with your organization's account.",
    };
  }
  if (error === "AccessDenied") {
    return {
      title: "Access denied",
      body: "MCA Connect could not accept this sign-in.",
      action: "Sign in again; if it keeps happening, ask the portal's operator to check its logs.",
    };
  }
  return {
    title: "Sign-in did not complete",
    body: "Microsoft's answer could not be verified or redeemed (for example the sign-in took too long, or was opened in two tabs).",
    action: "Sign in again. If it keeps failing, the portal's operator can find the reason in its logs.",
  };
}

export function SignInProblem({ error, code }: { error: string; code?: string }) {
  const safeCode = /^AADSTS\d{4,7}$/.test(code ?? "") ? code : "";
  const text = explain(error.slice(0, 60), safeCode ?? "");
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-6">
      <h2 className="text-2xl font-bold text-amber-950">{text.title}</h2>
      <p className="mt-3 text-amber-950">{text.body}</p>
      <p className="mt-3 font-medium text-amber-950">{text.action}</p>
      {safeCode ? <p className="mt-3 text-sm text-amber-900">Microsoft error code: {safeCode}</p> : null}
    </div>
  );
}
