/**
 * A table of rows with one header row: framed (a bordered white box that scrolls sideways on a narrow
 * screen) for a page's list, or plain inside a card that already has a border. The rows are the
 * caller's `<tr>`s, their cells `<Cell>`s, so each table keeps its own content and the look is shared.
 */
export type Column = { label: string; align?: "right"; hidden?: boolean };

export function DataTable({
  columns,
  caption,
  plain = false,
  className = "",
  children,
}: {
  columns: Column[];
  /** Read by screen readers only: what the rows are. */
  caption?: string;
  plain?: boolean;
  className?: string;
  children: React.ReactNode;
}) {
  const pad = plain ? "py-1 pr-3 font-medium" : "px-4 py-3 font-semibold";
  return (
    <div
      className={`overflow-x-auto ${plain ? "" : "rounded-lg border border-slate-200 bg-white"} ${className}`.trim()}
    >
      <table className={`${plain ? "w-full" : "min-w-full divide-y divide-slate-200"} text-left text-sm`}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className={plain ? "text-slate-600" : "bg-slate-50 text-slate-700"}>
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={`${pad} ${column.align === "right" ? "text-right" : ""}`.trim()}
              >
                {column.hidden ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={plain ? "divide-y divide-slate-100" : "divide-y divide-slate-200"}>
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** One cell of a DataTable row; `plain` matches a plain table's tighter spacing. */
export function Cell({
  plain = false,
  className = "",
  children,
}: {
  plain?: boolean;
  className?: string;
  children?: React.ReactNode;
}) {
  return <td className={`${plain ? "py-2 pr-3" : "px-4 py-3"} align-top ${className}`.trim()}>{children}</td>;
}
