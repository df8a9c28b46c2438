import { type PeerCertificate } from 'node:tls';
import { credentials, ServerCredentials, type ChannelCredentials } from '@grpc/grpc-js';

/** The centre's TLS material: Yiwang's CA (the only issuer it trusts), its own certificate and key. */
export interface CentreTls {
  readonly peerCa: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

export const serverCredentials = (tls: CentreTls): ServerCredentials =>
  ServerCredentials.createSsl(
    Buffer.from(tls.peerCa),
    [{ cert_chain: Buffer.from(tls.serverCert), private_key: Buffer.from(tls.serverKey) }],
    true,
  );

export const clientCredentials = (tls: CentreTls): ChannelCredentials =>
  credentials.createSsl(Buffer.from(tls.peerCa), Buffer.from(tls.clientKey), Buffer.from(tls.clientCert));

/** The subject CN of the caller's certificate (the handshake already checked its issuer). */
export function peerName(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }): string | null {
  const cn = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  return cn === undefined ? null : Array.isArray(cn) ? cn.join(',') : cn;
}
