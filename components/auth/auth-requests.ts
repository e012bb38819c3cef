/**
 * Sign-in and sign-out as next-auth's browser client does them (a CSRF token, then a POST that answers
 * where to go), without that client: next-auth/react is about 12 KiB gzip that every page would load
 * for two buttons. The server side is next-auth's own (app/api/auth/[...nextauth]).
 */
const authBase = "/api/auth";

async function postForRedirect(path: string, fields: Record<string, string>): Promise<string | undefined> {
  const csrf = await fetch(`${authBase}/csrf`, { cache: "no-store" });
  if (!csrf.ok) throw new Error(`The sign-in service answered ${csrf.status}.`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${authBase}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-auth-return-redirect": "1" },
    body: new URLSearchParams({ ...fields, csrfToken, json: "true" }),
  });
  return ((await res.json()) as { url?: string }).url;
}

function go(url: string) {
  window.location.href = url;
  // A URL that differs only by its hash does not load a page.
  if (url.includes("#")) window.location.reload();
}

/** Starts the Microsoft sign-in; `scope` narrows the consent asked for (incremental consent). */
export async function signInWithMicrosoft(callbackUrl: string, scope?: string): Promise<void> {
  const query = scope ? `?${new URLSearchParams({ scope })}` : "";
  go((await postForRedirect(`/signin/azure-ad${query}`, { callbackUrl })) ?? callbackUrl);
}

export async function signOutTo(callbackUrl: string): Promise<void> {
  go((await postForRedirect("/signout", { callbackUrl })) ?? callbackUrl);
}

/**
 * Sends the person through Microsoft for a new authentication (prompt=login, max_age=0: single sign-on
 * is not enough), for what asks for a recent sign-in; `loginHint` preselects their own account.
 */
export async function reauthenticateWithMicrosoft(callbackUrl: string, loginHint?: string): Promise<void> {
  const query = new URLSearchParams({
    prompt: "login",
    max_age: "0",
    ...(loginHint ? { login_hint: loginHint } : {}),
  });
  go((await postForRedirect(`/signin/azure-ad?${query}`, { callbackUrl })) ?? callbackUrl);
}
