import { callUnary, createGrpcClient } from '@yiwang/platform';
import { OpsCentreServiceClient } from '@yiwang/proto/yiwang/opscenter/v1/centre_service';
import { type CaseUpdate, type CategoryCodeTable } from '../../domain';
import { type CentreLink } from '../../application/ports';
import { mtlsChannelCredentials, type TlsMaterial } from './mtls';
import { centreStateFromProto, updateToProto } from './proto-mapping';

/** The centre's OpsCentreService over mutual TLS, as the application's {@link CentreLink}. */
export class GrpcCentreLink implements CentreLink {
  private readonly client: OpsCentreServiceClient;

  constructor(
    address: string,
    tls: TlsMaterial,
    private readonly codeTable: CategoryCodeTable,
    private readonly callTimeoutMs: number,
  ) {
    this.client = createGrpcClient(OpsCentreServiceClient, address, {
      credentials: mtlsChannelCredentials(tls),
      defaultDeadlineMs: callTimeoutMs,
      // Reconnect quickly after an outage: the pusher's own backoff paces the retries.
      clientOptions: { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 2_000 },
    });
  }

  async receiveCaseUpdates(updates: readonly CaseUpdate[]): Promise<readonly string[]> {
    const res = await callUnary(this.client.receiveCaseUpdates.bind(this.client), {
      updates: updates.map((u) => updateToProto(u, this.codeTable)),
      sender: 'yiwang-integration',
    });
    return res.acknowledgedEventIds;
  }

  async listCaseStates(request: { updatedSince: Date | null; pageSize: number; pageToken: string }) {
    const res = await callUnary(this.client.listCaseStates.bind(this.client), {
      updatedSince: request.updatedSince ?? undefined,
      pageSize: request.pageSize,
      pageToken: request.pageToken,
    });
    return { cases: res.cases.map(centreStateFromProto), nextPageToken: res.nextPageToken };
  }

  close(): void {
    this.client.close();
  }
}
