/** Page/limit paging with Vantage's links object (self, first, next, last, prev; null when none). */
export interface Page<T> {
  items: T[];
  links: { self: string; first: string; next: string | null; last: string; prev: string | null };
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export type PageParams = { ok: true; page: number; limit: number } | { ok: false; errors: string[] };

function positiveInt(raw: string | null): number | undefined | null {
  if (raw === null) return undefined;
  return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : null;
}

export function pageParams(query: URLSearchParams): PageParams {
  const errors: string[] = [];
  const page = positiveInt(query.get("page"));
  const limit = positiveInt(query.get("limit"));
  if (page === null) errors.push("page is invalid: give a whole number from 1.");
  if (limit === null) errors.push(`limit is invalid: give a whole number from 1 to ${MAX_LIMIT}.`);
  else if (limit !== undefined && limit > MAX_LIMIT)
    errors.push(`limit does not have a valid value: the maximum is ${MAX_LIMIT}.`);
  if (errors.length) return { ok: false, errors };
  return { ok: true, page: page ?? 1, limit: limit ?? DEFAULT_LIMIT };
}

/** One page of items; the links keep the caller's other query parameters. */
export function paginate<T>(
  all: T[],
  base: string,
  query: URLSearchParams,
  page: number,
  limit: number,
): Page<T> {
  const lastPage = Math.max(1, Math.ceil(all.length / limit));
  const link = (n: number) => {
    const q = new URLSearchParams(query);
    q.set("page", String(n));
    return `${base}?${q}`;
  };
  const self = [...query.keys()].length ? `${base}?${query}` : base;
  return {
    items: all.slice((page - 1) * limit, page * limit),
    links: {
      self,
      first: link(1),
      next: page < lastPage ? link(page + 1) : null,
      last: link(lastPage),
      prev: page > 1 ? link(Math.min(page - 1, lastPage)) : null,
    },
  };
}
