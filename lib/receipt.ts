/**
 * The audit receipt: what an onboarding created and removed in Azure, by whom, when, with Azure's
 * request ids, from its AuditEvent rows. One shape for the page, the JSON and the CSV export.
 */

export type ReceiptChange = "created" | "removed";

export type ReceiptRow = {
  at: string;
  change: ReceiptChange;
  action: string;
  object: string | null;
  actor: string;
  outcome: "success" | "failure";
  azureRequestId: string | null;
};

/** Which audit actions created or removed an object in Azure; the rest (checks, pastes) are not changes. */
export function changeOf(action: string): ReceiptChange | null {
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
