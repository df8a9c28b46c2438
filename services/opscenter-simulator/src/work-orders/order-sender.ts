import { type Collection, type Db } from 'mongodb';
import { callUnary } from '@yiwang/platform';
import {
  CaseLinkServiceClient,
  type SubmitWorkOrderRequest,
  type SubmitWorkOrderResponse,
} from '@yiwang/proto/yiwang/opscenter/v1/case_link_service';
import { type Faults } from '../faults/faults';
import { clientCredentials, type CentreTls } from '../grpc/tls';

export interface SentOrderDoc {
  _id: string;
  caseId: string;
  reportId: string;
  /** Sends in all (duplicate deliveries included). */
  sends: number;
  /** Case ids Yiwang answered with, one per send: must all be equal. */
  answers: string[];
  sentAt: Date;
}

export type SendResult = { ok: true; response: SubmitWorkOrderResponse } | { ok: false; code: number; details: string };

/** The centre pushing work orders into Yiwang (CaseLinkService), as its dispatch desk would. */
export class OrderSender {
  private readonly client: CaseLinkServiceClient;
  readonly orders: Collection<SentOrderDoc>;

  constructor(
    db: Db,
    yiwangAddress: string,
    tls: CentreTls,
    private readonly faults: Faults,
  ) {
    this.client = new CaseLinkServiceClient(yiwangAddress, clientCredentials(tls));
    this.orders = db.collection<SentOrderDoc>('centre_work_orders');
  }

  /** Sends the order (several times at once when duplicate deliveries are on) and records Yiwang's answers. */
  async send(order: SubmitWorkOrderRequest): Promise<SendResult[]> {
    const copies = this.faults.current().duplicateDeliveries;
    const results = await Promise.all(
      Array.from({ length: copies }, async (): Promise<SendResult> => {
        try {
          const response = await callUnary(this.client.submitWorkOrder.bind(this.client), order, { deadlineMs: 15_000 });
          return { ok: true, response };
        } catch (e) {
          const err = e as { code?: number; details?: string };
          return { ok: false, code: err.code ?? -1, details: err.details ?? String(e) };
        }
      }),
    );
    const answers = results.flatMap((r) => (r.ok ? [r.response.caseId] : []));
    const first = results.find((r): r is Extract<SendResult, { ok: true }> => r.ok);
    if (first) {
      const previous = await this.orders.findOne({ _id: order.externalId });
      await this.orders.replaceOne(
        { _id: order.externalId },
        {
          caseId: first.response.caseId,
          reportId: first.response.reportId,
          sends: (previous?.sends ?? 0) + copies,
          answers: [...(previous?.answers ?? []), ...answers],
          sentAt: previous?.sentAt ?? new Date(),
        },
        { upsert: true },
      );
    }
    return results;
  }

  close(): void {
    this.client.close();
  }
}
