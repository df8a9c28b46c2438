import { type Db, type Document } from 'mongodb';

export type Difference = Readonly<{
  id: string;
  kind: 'missing_in_live' | 'missing_in_rebuilt' | 'different';
  path?: string;
  live?: unknown;
  rebuilt?: unknown;
}>;

const ROW_KEYS = ['caseId', 'reportId', 'id'] as const;

/** The identity key shared by every element of an array of rows, if there is one. */
function rowKey(items: readonly unknown[]): string | null {
  if (items.length === 0) return null;
  return (
    ROW_KEYS.find((k) =>
      items.every((x) => x !== null && typeof x === 'object' && typeof (x as Record<string, unknown>)[k] === 'string'),
    ) ?? null
  );
}

/**
 * JSON with object keys sorted, so key order never counts as a difference; arrays of rows keyed
 * by an id (`caseId`, `reportId`, `id`) sorted by it. Why: a document holding many streams' rows
 * (a week of indicator rows, a list bucket) gets them in the order the events were applied, which
 * depends on where the projector's batches happened to end — not on what the rows say.
 */
export function canonical(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    const key = rowKey(v);
    const items = v.map(canonical);
    return key
      ? items.sort((a, b) => String((a as Record<string, unknown>)[key]).localeCompare(String((b as Record<string, unknown>)[key])))
      : items;
  }
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** The first path at which two canonical values differ. */
function firstDifference(a: unknown, b: unknown, path: string): { path: string; live: unknown; rebuilt: unknown } | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return { path: path || '(document)', live: a, rebuilt: b };
}

/**
 * Compares two collections document by document (by `_id`), ignoring `_guard` — the apply guard
 * records WHICH event last wrote a document, and a rebuild that reads the log in other batch sizes
 * may stamp a different (equally valid) one; the content is what must be equal.
 */
export async function compareCollections(
  db: Db,
  live: string,
  rebuilt: string,
): Promise<{ liveDocs: number; rebuiltDocs: number; differences: Difference[] }> {
  const load = async (name: string) => {
    const docs = await db.collection(name).find({}).toArray();
    return new Map(
      docs.map((d: Document) => {
        const { _id, _guard: _g, ...rest } = d;
        return [String(_id), canonical(rest)] as const;
      }),
    );
  };
  const [a, b] = await Promise.all([load(live), load(rebuilt)]);
  const differences: Difference[] = [];
  for (const [id, doc] of a) {
    if (!b.has(id)) differences.push({ id, kind: 'missing_in_rebuilt' });
    else {
      const d = firstDifference(doc, b.get(id), '');
      if (d) differences.push({ id, kind: 'different', ...d });
    }
  }
  for (const id of b.keys()) if (!a.has(id)) differences.push({ id, kind: 'missing_in_live' });
  return { liveDocs: a.size, rebuiltDocs: b.size, differences };
}
