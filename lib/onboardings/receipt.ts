/**
 * The audit receipt: what an onboarding created and removed in Azure, and each time its client secret
 * was revealed to someone, by whom, when, with Azure's request ids, from its AuditEvent rows. One shape
 * for the page, the JSON and the CSV export.
 */

export type ReceiptChange = "created" | "removed" | "revealed";

export type ReceiptRow = {
  at: string;
  change: ReceiptChange;
  action: string;
  object: string | null;
  actor: string;
  outcome: "success" | "failure";
  azureRequestId: string | null;
};

/**
 * Which audit actions created or removed an object in Azure, or showed its secret to a person (the copy
 * panel's reveal, kept as lib/data/secret-reveal.ts writes it); the rest (checks, pastes) are not changes.
 */
export function changeOf(action: string): ReceiptChange | null {
  if (action === "Client secret revealed") return "revealed";
  if (/^(Create|Add|Assign) /.test(action)) return "created";
  if (/^(Remove|Delete) /.test(action)) return "removed";
  return null;
}

export function receiptRows(
  events: {
    at: Date;
    action: string;
    target: string | null;
    actorName: string;
    outcome: "success" | "failure";
    azureRequestId: string | null;
  }[],
): ReceiptRow[] {
  return events.flatMap((e) => {
    const change = changeOf(e.action);
    return change
      ? [
          {
            at: e.at.toISOString(),
            change,
            action: e.action,
            object: e.target,
            actor: e.actorName,
            outcome: e.outcome,
            azureRequestId: e.azureRequestId,
          },
        ]
      : [];
  });
}

const columns: (keyof ReceiptRow)[] = [
  "at",
  "change",
  "action",
  "object",
  "actor",
  "outcome",
  "azureRequestId",
];

/**
 * RFC 4180 CSV. A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) is prefixed with an
 * apostrophe: names and targets come from Azure and people.
 */
export function receiptCsv(rows: ReceiptRow[]): string {
  const cell = (value: string | null) => {
    let text = value ?? "";
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return (
    [columns.join(","), ...rows.map((row) => columns.map((c) => cell(row[c])).join(","))].join("\r\n") +
    "\r\n"
  );
}
