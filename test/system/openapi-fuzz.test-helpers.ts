// Requests generated from a service's published OpenAPI document, sent to the running service, and
// the answers judged against the same document: the schema-driven check an outside client's tooling
// (a fuzzer, a generated SDK) makes. Independent of fastify: ajv compiles the published schemas.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';

type Schema = Record<string, unknown>;
type Responses = Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;

export interface Operation {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly pathParams: Schema;
  readonly query: Schema;
  readonly body?: { mediaType: string; schema: Schema };
  readonly responses: Responses;
  /** Fields the service checks beyond the schema (a code in a live table, a point inside the city). */
  readonly checkedBeyondSchema: readonly string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Schema>>;
}

const objectOf = (parameters: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>, where: string): Schema => {
  const of = parameters.filter((p) => p.in === where);
  return {
    type: 'object',
    properties: Object.fromEntries(of.map((p) => [p.name, p.schema ?? {}])),
    required: of.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
};

/** Every operation of the document, with its parameters gathered into objects as fastify declares them. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const parameters = (op['parameters'] ?? []) as Array<{ in: string; name: string; required?: boolean; schema?: Schema }>;
      const content = (op['requestBody'] as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
      const mediaType = content ? (Object.keys(content).find((m) => m === 'application/json') ?? Object.keys(content)[0]) : undefined;
      operations.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: objectOf(parameters, 'path'),
        query: objectOf(parameters, 'query'),
        ...(content && mediaType ? { body: { mediaType, schema: content[mediaType]!.schema } } : {}),
        responses: op['responses'] as Responses,
        checkedBeyondSchema: (op['x-checked-beyond-schema'] as string[] | undefined) ?? [],
      });
    }
  }
  return operations;
}

/** A value the schema accepts (mostly: combinations the generator cannot see are filtered by ajv later). */
export function arbitraryOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  if ('const' in schema) return fc.constant(schema['const']);
  const choices = (schema['oneOf'] ?? schema['anyOf']) as Schema[] | undefined;
  if (choices) {
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    return fc.oneof(...choices.map((c) => arbitraryOf({ ...rest, ...c }, depth)));
  }
  const type = Array.isArray(schema['type']) ? (schema['type'] as string[])[0] : (schema['type'] as string | undefined);
  switch (type) {
    case 'string': {
      const minLength = (schema['minLength'] as number | undefined) ?? 0;
      const maxLength = Math.min((schema['maxLength'] as number | undefined) ?? 40, minLength + 60);
      if (typeof schema['pattern'] === 'string')
        return fc.stringMatching(new RegExp(schema['pattern'])).filter((s) => s.length >= minLength && s.length <= maxLength);
      if (schema['format'] === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema['format'] === 'date') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      return fc.string({ minLength, maxLength, unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', ' ', '城', '管', '/', '%', '"') });
    }
    case 'integer':
    case 'number': {
      const min = (schema['minimum'] as number | undefined) ?? -1e6;
      const max = (schema['maximum'] as number | undefined) ?? 1e6;
      return type === 'integer'
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema['items'] as Schema | undefined) ?? { type: 'string' };
      const minLength = (schema['minItems'] as number | undefined) ?? 0;
      const maxLength = Math.min((schema['maxItems'] as number | undefined) ?? 5, minLength + 4);
      return fc.array(arbitraryOf(items, depth + 1), { minLength, maxLength });
    }
    case 'object':
    case undefined: {
      const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
      if (type === undefined && Object.keys(properties).length === 0) return fc.constantFrom('x', 1, true, null);
      const required = new Set((schema['required'] as string[] | undefined) ?? []);
      const entries = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, arbitraryOf(s, depth + 1)]));
      const extra = schema['additionalProperties'];
      if (Object.keys(properties).length === 0 && extra && typeof extra === 'object')
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), arbitraryOf(extra as Schema, depth + 1), { maxKeys: 3 });
      return fc.record(entries, { requiredKeys: [...required].filter((k) => k in entries) });
    }
    default:
      return fc.constant(null);
  }
}

/** A value likely to break a schema: the wrong type, an extreme, text where a code is expected. */
const breaking = fc.constantFrom<unknown>('', ' ', '0', 'x'.repeat(600), -1, 1e308, 3.5, true, null, [], {}, '<x/>', '../..', '北京');

/** Replaces, removes or adds one field of a valid object (or replaces it whole). */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return breaking;
  const keys = Object.keys(value);
  const choices: Array<fc.Arbitrary<unknown>> = [breaking, breaking.map((b) => ({ ...value, unknownField: b }))];
  if (keys.length > 0) {
    choices.push(
      fc.constantFrom(...keys).chain((k) => breaking.map((b) => ({ ...value, [k]: b }))),
      fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== k))),
    );
  }
  return fc.oneof(...choices);
}

export interface FuzzRequest {
  readonly pathParams: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly body?: unknown;
  readonly mutated: boolean;
}

/** Valid requests and requests with one part mutated, in equal parts. */
export function requestsOf(op: Operation): fc.Arbitrary<FuzzRequest> {
  const valid = fc.record({
    pathParams: arbitraryOf(op.pathParams) as fc.Arbitrary<Record<string, unknown>>,
    query: arbitraryOf(op.query) as fc.Arbitrary<Record<string, unknown>>,
    body: op.body ? arbitraryOf(op.body.schema) : fc.constant(undefined),
  });
  const mutated = valid.chain((r) =>
    fc.oneof(
      mutate(r.query).map((query) => ({ ...r, query: query as Record<string, unknown> })),
      mutate(r.pathParams).map((pathParams) => ({ ...r, pathParams: pathParams as Record<string, unknown> })),
      ...(op.body ? [mutate(r.body).map((body) => ({ ...r, body }))] : []),
    ),
  );
  return fc.oneof(
    valid.map((r) => ({ ...r, mutated: false })),
    mutated.map((r) => ({ ...r, mutated: true })),
  );
}

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
addFormats(ajv);
// Parameters travel as text: judge them as fastify (and any OpenAPI server) reads them, coerced.
const ajvParams = new Ajv2020({ strict: false, coerceTypes: 'array' });
addFormats(ajvParams);
const compiled = new WeakMap<Schema, ValidateFunction>();
const compiledParams = new WeakMap<Schema, ValidateFunction>();
const validator = (schema: Schema, params = false): ValidateFunction => {
  const cache = params ? compiledParams : compiled;
  let v = cache.get(schema);
  if (!v) {
    v = (params ? ajvParams : ajv).compile(schema);
    cache.set(schema, v);
  }
  return v;
};

const toText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The query string, arrays as repeated keys (fastify's and OpenAPI's default `form`, exploded). */
function queryString(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, toText(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Whether the request is valid by the document, judged the way it arrives: parameters as text
 * (a value URL parsing rewrites, such as `.` or `..` as a path segment, is not a request a client
 * can send), the body as JSON.
 */
function isValid(op: Operation, r: FuzzRequest): boolean {
  const params = Object.fromEntries(Object.entries(r.pathParams ?? {}).map(([k, v]) => [k, toText(v)]));
  if (Object.values(params).some((v) => v === '' || v === '.' || v === '..')) return false;
  // As sent: each value as text (`null` arrives as the text "null"), arrays as repeated values.
  const query = Object.fromEntries(
    Object.entries(r.query ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map(toText) : toText(v)]),
  );
  if (!validator(op.pathParams, true)(params) || !validator(op.query, true)(query)) return false;
  if (op.body && !validator(op.body.schema)(JSON.parse(JSON.stringify(r.body ?? null)))) return false;
  return true;
}

export interface Verdict {
  readonly status: number;
  readonly valid: boolean;
  /** Why the answer breaks the document, or null. */
  readonly failure: string | null;
}

const statusDocumented = (responses: Responses, status: number): string | undefined =>
  [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);

/** Sends one request and judges the answer against the operation's documented responses. */
export async function sendAndJudge(base: string, op: Operation, r: FuzzRequest, token: string): Promise<Verdict> {
  const valid = isValid(op, r);
  let path = op.path;
  for (const [k, v] of Object.entries(r.pathParams ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(toText(v)));
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let body: string | undefined;
  if (op.body) {
    headers['content-type'] = op.body.mediaType;
    body =
      op.body.mediaType === 'application/x-www-form-urlencoded'
        ? queryString(r.body).slice(1)
        : JSON.stringify(r.body === undefined ? null : r.body);
  }
  const response = await fetch(`${base}${path}${queryString(r.query)}`, {
    method: op.method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  const status = response.status;
  const fail = (why: string): Verdict => ({
    status,
    valid,
    failure: `${op.id} → ${status}: ${why}; request ${JSON.stringify({ path, query: r.query, body: r.body }).slice(0, 400)}; answer ${text.slice(0, 300)}`,
  });
  if (status >= 500) return fail('a server error');
  const key = statusDocumented(op.responses, status);
  if (!key) return fail(`status not documented (documented: ${Object.keys(op.responses).join(', ')})`);
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const content = op.responses[key]!.content;
  if (content && text !== '') {
    const documented = content[mediaType];
    if (!documented) return fail(`content type ${mediaType} not documented (documented: ${Object.keys(content).join(', ')})`);
    if (documented.schema && mediaType.endsWith('json')) {
      const validate = validator(documented.schema);
      if (!validate(JSON.parse(text))) return fail(`body does not match the documented schema: ${ajv.errorsText(validate.errors)}`);
    }
  }
  if (valid && status === 400) {
    const beyond = op.checkedBeyondSchema;
    const problem =
      mediaType === 'application/problem+json' ? (JSON.parse(text) as { code?: string; violations?: Array<{ field: string }> }) : undefined;
    // `readings[3].at` and `body.readings.3.at` both name `readings[].at`.
    const fields =
      problem?.code === 'VALIDATION'
        ? (problem.violations ?? []).map((v) => v.field.replace(/^body\./, '').replace(/\[\d+\]|\.\d+(?=\.|$)/g, '[]'))
        : undefined;
    const explained =
      fields !== undefined &&
      fields.length > 0 &&
      fields.every((f) => beyond.some((b) => f === b || f.startsWith(`${b}.`) || f.startsWith(`${b}[`)));
    const open311 = mediaType !== 'application/problem+json' && beyond.some((b) => text.includes(b));
    if (!explained && !open311) return fail('a request the schema calls valid was rejected as invalid');
  }
  return { status, valid, failure: null };
}

export interface FuzzReport {
  readonly cases: number;
  readonly valid: number;
  readonly byStatus: Record<number, number>;
  readonly failures: string[];
  /** Wall time per operation, slowest first. */
  readonly slowest: Array<{ operation: string; ms: number }>;
}

/**
 * `runs` generated requests per operation (half valid, half mutated), sent `concurrency` at a time.
 * Failures are collected whole (one per operation and kind), not shrunk: the report shows them all.
 */
export async function fuzzOperations(
  base: string,
  operations: readonly Operation[],
  options: { runs: number; seed: number; token: (op: Operation) => string; concurrency?: number },
): Promise<FuzzReport> {
  const byStatus: Record<number, number> = {};
  const failures = new Map<string, string>();
  let cases = 0;
  let valid = 0;
  const times: Array<{ operation: string; ms: number }> = [];
  for (const op of operations) {
    const started = performance.now();
    const requests = fc.sample(requestsOf(op), { numRuns: options.runs, seed: options.seed });
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const verdict = await sendAndJudge(base, op, r, options.token(op));
        cases++;
        if (verdict.valid) valid++;
        byStatus[verdict.status] = (byStatus[verdict.status] ?? 0) + 1;
        if (verdict.failure) {
          const kind = `${op.id} ${verdict.status} ${verdict.failure.split(';')[0]}`;
          if (!failures.has(kind)) failures.set(kind, verdict.failure);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    times.push({ operation: op.id, ms: Math.round(performance.now() - started) });
  }
  times.sort((a, b) => b.ms - a.ms);
  return { cases, valid, byStatus, failures: [...failures.values()], slowest: times.slice(0, 3) };
}
