// gRPC/HTTP clients for the demo, authenticated as the people of a city's urban-management loop.
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as dispatchApi from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import * as intakeApi from '@yiwang/proto/yiwang/intake/v1/intake_service';

export interface DemoEndpoints {
  readonly intakeGrpc: string;
  readonly intakeHttp: string;
  readonly dispatchGrpc: string;
  readonly secret: string;
}

export const PEOPLE = {
  inspector: { subject: 'zhang.wei', department: 'centre.supervision', roles: ['inspector'] },
  camera: { subject: 'liu.yang', department: 'centre.supervision', roles: ['camera.operator'] },
  supervision: { subject: 'chen.jie', department: 'centre.supervision', roles: ['centre.supervision'] },
  command: { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] },
} satisfies Record<string, Principal>;

type Unary = (req: never, md: never, opts: never, cb: never) => unknown;

/** Calls `method` on a generated client, completing the request with the message defaults first. */
function caller<C extends object>(api: Record<string, unknown>, client: C) {
  return <Res>(method: keyof C & string, request: object): Promise<Res> => {
    const type = `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`;
    const fns = api[type] as { fromPartial(o: object): object } | undefined;
    const fn = (client[method] as unknown as Unary).bind(client);
    return callUnary(fn as never, (fns ? fns.fromPartial(request) : request) as never) as Promise<Res>;
  };
}

export async function intakeAs(ep: DemoEndpoints, who: Principal) {
  const client = createGrpcClient(intakeApi.IntakeServiceClient, ep.intakeGrpc, {
    token: await signToken(who, { secret: ep.secret }),
    defaultDeadlineMs: 30_000,
  });
  return { call: caller(intakeApi as unknown as Record<string, unknown>, client), close: () => client.close() };
}

export async function dispatchAs(ep: DemoEndpoints, who: Principal) {
  const client = createGrpcClient(dispatchApi.DispatchServiceClient, ep.dispatchGrpc, {
    token: await signToken(who, { secret: ep.secret }),
    defaultDeadlineMs: 30_000,
  });
  return { call: caller(dispatchApi as unknown as Record<string, unknown>, client), close: () => client.close() };
}

export const unitPrincipal = (unitId: string): Principal => ({ subject: `handler@${unitId}`, department: unitId, roles: [] });

export async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs `work` over `items` with at most `n` in flight. */
export async function pool<T>(items: readonly T[], n: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        await work(items[i]!, i);
      }
    }),
  );
}

type CentreClient = Awaited<ReturnType<typeof dispatchAs>>;

/** Ids of every case on the overdue lists (all units, all pages). */
export async function overdueCaseIds(centre: CentreClient): Promise<Set<string>> {
  const ids = new Set<string>();
  let pageToken = '';
  do {
    const r = await centre.call<dispatchApi.ListCasesResponse>('listCases', { unitId: '*', overdueOnly: true, pageSize: 200, pageToken });
    for (const c of r.cases) ids.add(c.caseId);
    pageToken = r.nextPageToken;
  } while (pageToken);
  return ids;
}

/**
 * The overdue lists once the deadline scan has settled: the same non-empty answer three times in a
 * row, 2 s apart (the scan runs every 2 s and the lists follow the log), or whatever is there after
 * `timeoutMs`.
 */
export async function settledOverdueCaseIds(centre: CentreClient, timeoutMs: number): Promise<Set<string>> {
  const end = Date.now() + timeoutMs;
  let last = new Set<string>();
  for (let stable = 0; stable < 3 && Date.now() < end;) {
    const now = await overdueCaseIds(centre).catch(() => new Set<string>());
    stable = now.size > 0 && now.size === last.size ? stable + 1 : 0;
    last = now;
    if (stable < 3) await new Promise((r) => setTimeout(r, 2000));
  }
  return last;
}
