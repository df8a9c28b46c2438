import {
  CommandHandler,
  ConcurrencyError,
  fold,
  ValidationError,
  type EventMapping,
  type EventStore,
  type RecordedEvent,
} from '@yiwang/kernel-core';
import {
  CATEGORY_TABLE_STREAM,
  categoryTableDecider,
  CategoryCode,
  parseCategoryTable,
  type CategoryTable,
  type CategoryTableCommand,
  type CategoryTableEvent,
  type CategoryTableState,
} from '../domain/categories';
import { IntakeRoles, requireRole, type Actor } from '../domain';
import type { Clock } from '@yiwang/kernel-core';
import { instantOf } from './clock';

/** What the report handlers ask for the table: always the current one (revisions apply without a restart). */
export type CategorySource = Readonly<{ current(): CategoryTable }>;

/** A fixed table as a source (tests, tools). */
export const fixedCategories = (table: CategoryTable): CategorySource => ({ current: () => table });

/** A dependency that may be a fixed table or a live source. */
export const currentTable = (categories: CategoryTable | CategorySource): CategoryTable =>
  'current' in categories ? categories.current() : categories;

const CATEGORY_EVENT_TYPES: ReadonlySet<string> = new Set<CategoryTableEvent['type']>(['intake.category_table.revised.v1']);

export const categoryTableEventMapping: EventMapping<CategoryTableEvent> = {
  fromRecorded: (e: RecordedEvent) => (CATEGORY_EVENT_TYPES.has(e.type) ? ({ type: e.type, data: e.data } as CategoryTableEvent) : null),
  toNew: (e) => ({ type: e.type, data: e.data }),
};

/** An entry as in data/categories.json. */
export type CategoryEntry = Readonly<{
  family: string;
  major: string;
  minor: string;
  name: unknown;
  deadline: unknown;
  urgency: string;
  unitType: string;
}>;
export type MajorEntry = Readonly<{ family: string; major: string; name: unknown }>;

/** An edit of the current table: what to add, change (by code) and remove (by code). */
export type CategoryTablePatch = Readonly<{
  reason: string;
  /** The new table's version label; the current one when omitted. */
  version?: string;
  /** Refuse (409) unless the table is still at this revision. */
  expectedVersion?: number;
  majors?: Readonly<{ added?: readonly MajorEntry[]; changed?: readonly MajorEntry[]; removed?: readonly string[] }>;
  categories?: Readonly<{ added?: readonly CategoryEntry[]; changed?: readonly CategoryEntry[]; removed?: readonly string[] }>;
}>;

export type RevisionResult = Readonly<{
  /** The table's revision (= version of the `category-table` stream) after the edit. */
  revision: number;
  version: string;
  recorded: boolean;
  added: readonly string[];
  changed: readonly string[];
  removed: readonly string[];
}>;

export type CategoryCatalogueOptions = Readonly<{
  store: EventStore;
  clock: Clock;
  /** The table used until the first revision is recorded (data/categories.json). */
  shipped: CategoryTable;
  /** How often to re-read the stream, for revisions made by other replicas (0: never). */
  refreshIntervalMs?: number;
  onWarning?: (message: string, error: unknown) => void;
}>;

type Loaded = Readonly<{ table: CategoryTable; revision: number; state: CategoryTableState }>;

const entryCode = (e: { family: string; major: string; minor: string }, field: string): CategoryCode =>
  CategoryCode(`${e.family}.${e.major}.${e.minor}`, field);
const majorKey = (m: { family: string; major: string }): string => `${m.family}.${m.major}`;
const bad = (field: string, message: string): ValidationError => new ValidationError(`${field}: ${message}`, [{ field, message }]);

/** The table as JSON (the shape of data/categories.json), for the decider and for clients. */
export function tableToJson(table: CategoryTable) {
  return {
    version: table.version,
    majors: [...table.majors.values()].map((m) => ({ family: m.family, major: m.major, name: m.name })),
    categories: [...table.categories.values()].map((c) => ({
      family: c.family,
      major: c.major,
      minor: c.minor,
      name: c.name,
      deadline: c.deadline,
      urgency: c.urgency,
      unitType: c.unitType,
    })),
  };
}

function tableOf(state: CategoryTableState, shipped: CategoryTable): CategoryTable {
  if (state.status === 'empty') return shipped;
  return parseCategoryTable({ version: state.version, majors: Object.values(state.majors), categories: Object.values(state.categories) });
}

/**
 * The category table as it stands: the shipped table until a city revises it, then the
 * `category-table` stream folded by `categoryTableDecider`. Loaded at start, replaced in this
 * process right after a revision, and re-read every `refreshIntervalMs` for other replicas' edits.
 *
 * The first revision first records the shipped table itself (revision 1, reason "baseline"), so the
 * log alone tells the whole table and every later diff is against what was really in force.
 */
export class CategoryCatalogue implements CategorySource {
  private readonly handler: CommandHandler<CategoryTableCommand, CategoryTableEvent, CategoryTableState>;
  private loaded: Loaded;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: CategoryCatalogueOptions) {
    this.handler = new CommandHandler(options.store, categoryTableDecider, categoryTableEventMapping, { maxRetries: 0 });
    this.loaded = { table: options.shipped, revision: 0, state: categoryTableDecider.initialState() };
  }

  static async start(options: CategoryCatalogueOptions): Promise<CategoryCatalogue> {
    const catalogue = new CategoryCatalogue(options);
    await catalogue.refresh();
    const every = options.refreshIntervalMs ?? 5_000;
    if (every > 0) {
      catalogue.timer = setInterval(
        () => void catalogue.refresh().catch((e: unknown) => options.onWarning?.('category table refresh failed', e)),
        every,
      );
      catalogue.timer.unref();
    }
    return catalogue;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  current(): CategoryTable {
    return this.loaded.table;
  }

  get revision(): number {
    return this.loaded.revision;
  }

  /** Re-reads the stream (a few events: one per revision). */
  async refresh(): Promise<Loaded> {
    const { state, version } = await this.handler.load(CATEGORY_TABLE_STREAM);
    if (version >= this.loaded.revision) this.loaded = { table: tableOf(state, this.options.shipped), revision: version, state };
    return this.loaded;
  }

  /**
   * Applies `patch` to the current table and records the result through the decider. With
   * `expectedVersion`, a table revised meanwhile is a ConcurrencyError (409 / ABORTED); without,
   * the edit is re-applied to the newer table (a few times).
   */
  async revise(
    patch: CategoryTablePatch,
    actor: Actor,
    metadata: Readonly<{ correlationId?: string; traceparent?: string }> = {},
  ): Promise<RevisionResult> {
    requireRole(actor, 'ReviseCategoryTable', IntakeRoles.categoryAdmin);
    for (let attempt = 0; ; attempt++) {
      const { table, revision, state } = await this.refresh();
      if (patch.expectedVersion !== undefined && patch.expectedVersion !== revision) {
        throw new ConcurrencyError(CATEGORY_TABLE_STREAM, String(patch.expectedVersion), revision);
      }
      const next = applyPatch(table, patch);
      const at = instantOf(this.options.clock);
      const meta = { actor, ...metadata };
      const command = (t: unknown, reason: string): CategoryTableCommand => ({
        type: 'ReviseCategoryTable',
        actor,
        data: { table: t, reason, at },
      });
      const baseline =
        revision === 0 ? command(tableToJson(this.options.shipped), `baseline: shipped table ${this.options.shipped.version}`) : null;
      const before = baseline ? fold(categoryTableDecider, state, categoryTableDecider.decide(baseline, state)) : state;
      // The whole command (role, reason, table) is checked before anything is written, the baseline included.
      const decided = categoryTableDecider.decide(command(next, patch.reason), before);
      if (decided.length === 0) return { revision, version: table.version, recorded: false, added: [], changed: [], removed: [] };
      const codes = diffCodes(table, parseCategoryTable(next));
      try {
        let expected = revision;
        if (baseline)
          expected = (await this.handler.handle(CATEGORY_TABLE_STREAM, baseline, { expectedVersion: 0, metadata: meta })).version;
        const result = await this.handler.handle(CATEGORY_TABLE_STREAM, command(next, patch.reason), {
          expectedVersion: expected,
          metadata: meta,
        });
        this.loaded = { table: tableOf(result.state, this.options.shipped), revision: result.version, state: result.state };
        return { revision: result.version, version: this.loaded.table.version, recorded: result.events.length > 0, ...codes };
      } catch (e) {
        if (!(e instanceof ConcurrencyError) || patch.expectedVersion !== undefined || attempt >= 3) throw e;
      }
    }
  }
}

function diffCodes(before: CategoryTable, after: CategoryTable) {
  const added = [...after.categories.keys()].filter((c) => !before.categories.has(c));
  const removed = [...before.categories.keys()].filter((c) => !after.categories.has(c));
  const changed = [...after.categories.values()].filter((c) => {
    const old = before.categories.get(c.code);
    return old !== undefined && JSON.stringify(old) !== JSON.stringify(c);
  });
  return { added, changed: changed.map((c) => c.code), removed };
}

/** Applies an edit to a table; each entry is validated on its own first, so a 400 names the code at fault. */
export function applyPatch(table: CategoryTable, patch: CategoryTablePatch) {
  const json = tableToJson(table);
  const majors = new Map<string, unknown>(json.majors.map((m) => [majorKey(m), m]));
  const categories = new Map<string, unknown>(json.categories.map((c) => [`${c.family}.${c.major}.${c.minor}`, c]));
  const touched = new Set<string>();
  const once = (key: string, field: string) => {
    if (touched.has(key)) throw bad(field, `${key} appears more than once in this revision`);
    touched.add(key);
  };

  const m = patch.majors ?? {};
  (m.added ?? []).forEach((x, i) => {
    const key = majorKey(x);
    once(key, `majors.added[${i}]`);
    if (majors.has(key)) throw bad(`majors.added[${i}]`, `major class ${key} already exists (use changed)`);
    majors.set(key, x);
  });
  (m.changed ?? []).forEach((x, i) => {
    const key = majorKey(x);
    once(key, `majors.changed[${i}]`);
    if (!majors.has(key)) throw bad(`majors.changed[${i}]`, `unknown major class ${key}`);
    majors.set(key, x);
  });
  (m.removed ?? []).forEach((key, i) => {
    once(key, `majors.removed[${i}]`);
    if (!majors.has(key)) throw bad(`majors.removed[${i}]`, `unknown major class ${key}`);
    majors.delete(key);
  });

  const c = patch.categories ?? {};
  const majorList = [...majors.values()];
  const checkEntry = (x: CategoryEntry, field: string): string => {
    const code = entryCode(x, `${field}.code`);
    try {
      parseCategoryTable({ version: 'check', majors: majorList, categories: [x] });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const violations = e.violations.map((v) => ({ field: v.field.replace(/^categories\[0\]/, field), message: `${code}: ${v.message}` }));
      throw new ValidationError(
        `category ${code} is invalid: ${violations.map((v) => `${v.field} ${v.message.slice(code.length + 2)}`).join('; ')}`,
        violations,
      );
    }
    return code;
  };
  (c.added ?? []).forEach((x, i) => {
    const field = `categories.added[${i}]`;
    const code = checkEntry(x, field);
    once(code, field);
    if (categories.has(code)) throw bad(field, `category ${code} already exists (use changed)`);
    categories.set(code, x);
  });
  (c.changed ?? []).forEach((x, i) => {
    const field = `categories.changed[${i}]`;
    const code = checkEntry(x, field);
    once(code, field);
    if (!categories.has(code)) throw bad(field, `unknown category ${code} (use added)`);
    categories.set(code, x);
  });
  (c.removed ?? []).forEach((raw, i) => {
    const field = `categories.removed[${i}]`;
    const code = CategoryCode(raw, field);
    once(code, field);
    if (!categories.has(code)) throw bad(field, `unknown category ${code}`);
    categories.delete(code);
  });

  const next = { version: patch.version ?? table.version, majors: [...majors.values()], categories: [...categories.values()] };
  parseCategoryTable(next); // the whole table: e.g. a removed major that still has categories
  return next;
}
