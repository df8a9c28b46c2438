import { type Collection, type Db } from 'mongodb';
import { type CaseUpdate, UpdateKind } from '@yiwang/proto/yiwang/opscenter/v1/case_update';

/** One case as the centre holds it, with every update it applied (in arrival order). */
export interface CentreCaseDoc {
  _id: string;
  externalId: string;
  sequence: number;
  state: number;
  responsibleUnit: string;
  deadline: Date | null;
  lastEventId: string;
  updatedAt: Date;
  history: Array<{ eventId: string; sequence: number; state: number; kind: 'change' | 'repair'; eventType: string; receivedAt: Date }>;
  /** Changes that arrived out of order (sequence not the next one): must stay empty. */
  orderViolations: Array<{ eventId: string; expected: number; got: number }>;
}

interface SeenDoc {
  _id: string;
  caseId: string;
  at: Date;
}

interface DeliveryDoc {
  _id: string;
  eventId: string;
  caseId: string;
  sequence: number;
  duplicate: boolean;
  receivedAt: Date;
}

export interface CentreStats {
  deliveries: number;
  duplicates: number;
  cases: number;
  orderViolations: number;
}

const isDuplicateKey = (e: unknown): boolean => (e as { code?: number } | null)?.code === 11000;

/**
 * The centre's own store: what it received (every delivery, duplicates included), which event ids
 * it has (de-duplication), and its copy of each case. Updates are applied one batch at a time.
 */
export class CentreStore {
  readonly cases: Collection<CentreCaseDoc>;
  private readonly seen: Collection<SeenDoc>;
  private readonly deliveries: Collection<DeliveryDoc>;
  private deliverySeq = 0;
  private readonly prefix = `${process.pid}-${Date.now().toString(36)}`;

  constructor(db: Db) {
    this.cases = db.collection<CentreCaseDoc>('centre_cases');
    this.seen = db.collection<SeenDoc>('centre_seen_events');
    this.deliveries = db.collection<DeliveryDoc>('centre_deliveries');
  }

  /**
   * Applies one update and returns whether it was new. Applying comes before remembering the id:
   * a crash in between makes a resend apply again, which the sequence check turns into a no-op.
   */
  async receive(u: CaseUpdate, now: Date): Promise<boolean> {
    const known = (await this.seen.findOne({ _id: u.eventId })) !== null;
    await this.deliveries.insertOne({
      _id: `${this.prefix}-${++this.deliverySeq}`,
      eventId: u.eventId,
      caseId: u.caseId,
      sequence: u.sequence,
      duplicate: known,
      receivedAt: now,
    });
    if (known) return false;
    await this.apply(u, now);
    try {
      await this.seen.insertOne({ _id: u.eventId, caseId: u.caseId, at: now });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    return true;
  }

  private async apply(u: CaseUpdate, now: Date): Promise<void> {
    const current = await this.cases.findOne({ _id: u.caseId });
    const repair = u.kind === UpdateKind.UPDATE_KIND_REPAIR;
    if (current && !repair && u.sequence <= current.sequence) return; // stale change
    const violations = current?.orderViolations ?? [];
    const expected = (current?.sequence ?? 0) + 1;
    if (!repair && u.sequence !== expected) violations.push({ eventId: u.eventId, expected, got: u.sequence });
    const doc: CentreCaseDoc = {
      _id: u.caseId,
      externalId: u.externalId || current?.externalId || '',
      sequence: Math.max(u.sequence, current?.sequence ?? 0),
      state: u.state,
      responsibleUnit: u.responsibleUnit,
      deadline: u.deadline ?? null,
      lastEventId: u.eventId,
      updatedAt: now,
      history: [
        ...(current?.history ?? []),
        {
          eventId: u.eventId,
          sequence: u.sequence,
          state: u.state,
          kind: repair ? 'repair' : 'change',
          eventType: u.eventType,
          receivedAt: now,
        },
      ],
      orderViolations: violations,
    };
    await this.cases.replaceOne({ _id: u.caseId }, doc, { upsert: true });
  }

  /** Alters a case behind Yiwang's back (a drill for reconciliation). */
  async tamper(caseId: string, change: { state?: number; responsibleUnit?: string }, now: Date): Promise<boolean> {
    const res = await this.cases.updateOne({ _id: caseId }, { $set: { ...change, updatedAt: now } });
    return res.matchedCount === 1;
  }

  /** Loses a case, as a centre restored from an old backup would (another reconciliation drill). */
  async forget(caseId: string): Promise<boolean> {
    return (await this.cases.deleteOne({ _id: caseId })).deletedCount === 1;
  }

  async get(caseId: string): Promise<CentreCaseDoc | null> {
    return this.cases.findOne({ _id: caseId });
  }

  /** Cases updated at or after `since`, by id (a full scan: fine for a simulator). */
  async list(since: Date | null): Promise<CentreCaseDoc[]> {
    const all = await this.cases.find(since ? { updatedAt: { $gte: since } } : {}).toArray();
    return all.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  }

  async stats(): Promise<CentreStats> {
    const [deliveries, duplicates, cases] = await Promise.all([
      this.deliveries.countDocuments({}),
      this.deliveries.countDocuments({ duplicate: true }),
      this.cases.find({}).toArray(),
    ]);
    return { deliveries, duplicates, cases: cases.length, orderViolations: cases.reduce((n, c) => n + c.orderViolations.length, 0) };
  }
}
