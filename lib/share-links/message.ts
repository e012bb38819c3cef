/**
 * The short note an owner sends with a share link, so the colleague knows who asks, what for, what
 * it will take and until when. Plain text: it goes into an email or a chat.
 */
import { utcDate } from "@/lib/format";

export function billingOwnerMessage(input: {
  senderName: string;
  billingAccountName: string | null;
  appName: string;
  url: string;
  expiresAt: Date;
}): string {
  const account = input.billingAccountName
    ? `the billing account “${input.billingAccountName}”`
    : "our billing account";
  const until = utcDate(input.expiresAt);
  return [
    "Hi,",
    "",
    `I'm connecting ${account} to our cost platform with MCA Connect. One step needs a Billing account owner: giving the app “${input.appName}” the read-only Billing account reader role on it.`,
    "",
    `Could you open this link, sign in with your work account and click “Run remaining steps”? It takes about a minute and asks only for access to Azure Resource Manager as you.`,
    "",
    input.url,
    "",
    `The link works until ${until}. Please don't forward it.`,
    "",
    `Thanks, ${input.senderName}`,
  ].join("\n");
}

export function shareMessage(input: {
  senderName: string;
  url: string;
  expiresAt: Date;
  canAct: boolean;
}): string {
  const until = utcDate(input.expiresAt);
  return [
    `${input.senderName} shared the progress of connecting our Azure billing account to our cost platform.`,
    input.canAct
      ? "Open the link and sign in with your work account to run the remaining steps:"
      : "Open the link to follow the progress:",
    input.url,
    `The link works until ${until}.`,
  ].join("\n");
}
