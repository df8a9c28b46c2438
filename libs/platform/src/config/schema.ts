/**
 * A small, dependency-free schema for configuration read from an environment object.
 *
 * Why not zod & co.: we need only a handful of scalar kinds, and one property none of the general
 * libraries give out of the box — a start-up failure that names EVERY bad variable at once, in the
 * words an operator understands (`GRPC_PORT must be an integer 1-65535, got "abc"`).
 *
 * Only a service's `main.ts` passes `process.env`; everything else takes the env object as a
 * parameter, so tests can hand in a plain literal.
 */

/** The environment as a plain object (`process.env` fits, so does a test literal). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What parsing one variable produced: a value, or the reason it is unacceptable. */
type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** One environment variable: its name, and how to turn its raw text into a value. */
export interface EnvVar<T> {
  readonly name: string;
  /** When true, the raw value never appears in error messages (passwords, signing keys). */
  readonly secret: boolean;
  read(raw: string | undefined): Parsed<T>;
}

interface Common<T> {
  /** Used when the variable is unset or empty; without it the variable is required. */
  readonly default?: T;
  readonly secret?: boolean;
}

/** Thrown by {@link loadConfig}; `problems` lists every bad variable, in schema order. */
export class ConfigError extends Error {
  constructor(readonly problems: ReadonlyArray<{ readonly variable: string; readonly reason: string }>) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p.reason}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Parsed<never> => ({ ok: false, reason });

/**
 * Builds a variable from a parser of non-empty text. An unset or blank variable takes the
 * default, or is reported as required. `parse` returns the value or a reason (without the name).
 */
function envVar<T>(name: string, opts: Common<T>, parse: (raw: string, shown: string) => Parsed<T>): EnvVar<T> {
  const secret = opts.secret ?? false;
  return {
    name,
    secret,
    read(raw) {
      const text = raw?.trim();
      if (text === undefined || text === '') {
        return opts.default !== undefined ? ok(opts.default) : bad(`${name} is required`);
      }
      const parsed = parse(text, secret ? '(secret value hidden)' : JSON.stringify(text));
      return parsed.ok ? parsed : bad(`${name} ${parsed.reason}`);
    },
  };
}

/** A string, optionally constrained by a pattern and a minimum length. */
export function str(
  name: string,
  opts: Common<string> & { readonly pattern?: RegExp; readonly minLength?: number; readonly describe?: string } = {},
): EnvVar<string> {
  return envVar(name, opts, (raw, shown) => {
    if (opts.minLength !== undefined && raw.length < opts.minLength) return bad(`must be at least ${opts.minLength} characters long`);
    if (opts.pattern && !opts.pattern.test(raw))
      return bad(`must be ${opts.describe ?? `a string matching ${String(opts.pattern)}`}, got ${shown}`);
    return ok(raw);
  });
}

/** An integer within [min, max] (defaults: any safe integer). */
export function int(name: string, opts: Common<number> & { readonly min?: number; readonly max?: number } = {}): EnvVar<number> {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const range = opts.min !== undefined || opts.max !== undefined ? ` ${opts.min ?? '…'}-${opts.max ?? '…'}` : '';
  return envVar(name, opts, (raw, shown) => {
    const n = Number(raw);
    return /^[-+]?\d+$/.test(raw) && Number.isSafeInteger(n) && n >= min && n <= max
      ? ok(n)
      : bad(`must be an integer${range}, got ${shown}`);
  });
}

/** A TCP/UDP port number (0 allowed only with `allowZero`, for "any free port" in tests). */
export function port(name: string, opts: Common<number> & { readonly allowZero?: boolean } = {}): EnvVar<number> {
  return int(name, { ...opts, min: opts.allowZero ? 0 : 1, max: 65535 });
}

/** An absolute URL; `protocols` (e.g. `['http:', 'https:']`) restricts the scheme. Kept as text. */
export function url(name: string, opts: Common<string> & { readonly protocols?: readonly string[] } = {}): EnvVar<string> {
  return envVar(name, opts, (raw, shown) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return bad(`must be an absolute URL, got ${shown}`);
    }
    if (opts.protocols && !opts.protocols.includes(parsed.protocol))
      return bad(`must be a URL with scheme ${opts.protocols.join(' or ')}, got ${shown}`);
    return ok(raw);
  });
}

/** A comma-separated list of non-empty items (blanks around commas are dropped). */
export function list(name: string, opts: Common<readonly string[]> & { readonly minItems?: number } = {}): EnvVar<readonly string[]> {
  return envVar(name, opts, (raw, shown) => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return items.length >= (opts.minItems ?? 1)
      ? ok(items)
      : bad(`must be a comma-separated list of at least ${opts.minItems ?? 1} item(s), got ${shown}`);
  });
}

/** One of a fixed set of values (case-sensitive). */
export function oneOf<const V extends string>(name: string, values: readonly V[], opts: Common<V> = {}): EnvVar<V> {
  return envVar(name, opts, (raw, shown) =>
    (values as readonly string[]).includes(raw) ? ok(raw as V) : bad(`must be one of ${values.join(', ')}, got ${shown}`),
  );
}

/** A boolean: true/false, 1/0, yes/no, on/off (any case). */
export function bool(name: string, opts: Common<boolean> = {}): EnvVar<boolean> {
  return envVar(name, opts, (raw, shown) => {
    const v = raw.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return ok(true);
    if (['false', '0', 'no', 'off'].includes(v)) return ok(false);
    return bad(`must be a boolean (true/false, 1/0, yes/no, on/off), got ${shown}`);
  });
}

/** Makes a variable optional: unset or blank gives `undefined` instead of "is required". */
export function optional<T>(v: EnvVar<T>): EnvVar<T | undefined> {
  return { name: v.name, secret: v.secret, read: (raw) => (raw === undefined || raw.trim() === '' ? ok(undefined) : v.read(raw)) };
}

/** A schema: field name → variable. {@link loadConfig} returns an object with the same fields. */
export type ConfigSchema = Readonly<Record<string, EnvVar<unknown>>>;

/** The typed configuration a schema describes. */
export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

/**
 * Reads and validates every variable of `schema` from `env`, once, at start-up.
 *
 * @throws ConfigError naming every bad variable and why, so one failed start shows them all.
 * @example
 * const config = loadConfig(process.env, { grpcPort: port('GRPC_PORT', { default: 50051 }) }); // main.ts only
 */
export function loadConfig<S extends ConfigSchema>(env: Env, schema: S): ConfigOf<S> {
  const values: Record<string, unknown> = {};
  const problems: { variable: string; reason: string }[] = [];
  for (const [field, variable] of Object.entries(schema)) {
    const parsed = variable.read(env[variable.name]);
    if (parsed.ok) values[field] = parsed.value;
    else problems.push({ variable: variable.name, reason: parsed.reason });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as ConfigOf<S>;
}
