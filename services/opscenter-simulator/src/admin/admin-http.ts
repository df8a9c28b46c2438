import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { CaseState } from '@yiwang/proto/yiwang/opscenter/v1/case_update';
import { type SubmitWorkOrderRequest } from '@yiwang/proto/yiwang/opscenter/v1/case_link_service';
import { type CentreStore, type CentreCaseDoc } from '../store/centre-store';
import { type FaultChange, type Faults } from '../faults/faults';
import { type OrderSender } from '../work-orders/order-sender';
import { hotlineOrder } from '../work-orders/hotline-orders';

const stateName = (s: number): string => (CaseState[s] ?? String(s)).replace(/^CASE_STATE_/, '').toLowerCase();
const view = (c: CentreCaseDoc) => ({
  caseId: c._id,
  externalId: c.externalId,
  sequence: c.sequence,
  state: stateName(c.state),
  responsibleUnit: c.responsibleUnit,
  deadline: c.deadline,
  updatedAt: c.updatedAt,
  history: c.history.map((h) => ({ ...h, state: stateName(h.state) })),
  orderViolations: c.orderViolations,
});

export interface AdminDeps {
  readonly store: CentreStore;
  readonly faults: Faults;
  readonly sender: OrderSender;
  /** Points in the city for generated orders. */
  readonly places: ReadonlyArray<{ lat: number; lon: number }>;
  readonly now: () => Date;
  /** The bearer token every route but /healthz requires. */
  readonly token: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The simulator's control panel (plain HTTP + JSON): what the centre holds, fault injection,
 * tampering for reconciliation drills, and pushing 12345 work orders into Yiwang. Anyone who reaches
 * it can take the centre down or forge orders, so every route but /healthz wants the admin token
 * (`authorization: Bearer …`): none → 401, another → 403.
 */
export function adminApp(deps: AdminDeps): FastifyInstance {
  if (deps.token.length < 16) throw new Error('the admin token must be at least 16 characters long');
  const expected = digest(deps.token);
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/healthz') return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="opscenter-simulator admin"')
        .send({ title: 'the admin API wants the bearer token (SIM_ADMIN_TOKEN, printed by npm start)' });
      return reply;
    }
    // Equal-length digests: the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      await reply.code(403).send({ title: 'wrong admin token' });
      return reply;
    }
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/cases', async () => (await deps.store.list(null)).map(view));
  app.get<{ Params: { id: string } }>('/cases/:id', async (req, reply) => {
    const c = await deps.store.get(req.params.id);
    return c ? view(c) : reply.code(404).send({ title: 'no such case at the centre' });
  });
  app.get('/stats', async () => deps.store.stats());
  app.get('/faults', async () => deps.faults.current());
  app.post<{ Body: FaultChange }>('/faults', async (req) => deps.faults.change(req.body ?? {}));
  app.post<{ Params: { id: string }; Body: { state?: string; responsibleUnit?: string } }>('/cases/:id/tamper', async (req, reply) => {
    const key = `CASE_STATE_${(req.body?.state ?? '').toUpperCase()}` as keyof typeof CaseState;
    const state = req.body?.state ? CaseState[key] : undefined;
    if (req.body?.state && (state === undefined || typeof state !== 'number'))
      return reply.code(400).send({ title: `unknown state ${req.body.state}` });
    const ok = await deps.store.tamper(
      req.params.id,
      {
        ...(state !== undefined ? { state } : {}),
        ...(req.body?.responsibleUnit !== undefined ? { responsibleUnit: req.body.responsibleUnit } : {}),
      },
      deps.now(),
    );
    return ok ? { tampered: req.params.id } : reply.code(404).send({ title: 'no such case at the centre' });
  });
  app.delete<{ Params: { id: string } }>('/cases/:id', async (req, reply) =>
    (await deps.store.forget(req.params.id)) ? { forgotten: req.params.id } : reply.code(404).send({ title: 'no such case at the centre' }),
  );
  /** `{ count, from }` generates 12345 orders; `{ orders: [...] }` sends the given ones (proto JSON field names in camelCase). */
  app.post<{ Body: { count?: number; from?: number; orders?: SubmitWorkOrderRequest[] } }>('/work-orders', async (req) => {
    const body = req.body ?? {};
    const orders =
      body.orders ??
      Array.from({ length: Math.min(500, body.count ?? 1) }, (_, i) => hotlineOrder((body.from ?? 0) + i, deps.places, deps.now()));
    const results = [];
    for (const order of orders) {
      const sends = await deps.sender.send(order);
      results.push({
        externalId: order.externalId,
        sends: sends.map((s) =>
          s.ok ? { caseId: s.response.caseId, created: s.response.created } : { error: s.code, details: s.details },
        ),
      });
    }
    return results;
  });
  return app;
}
