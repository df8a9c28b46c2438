import { type PeerCertificate } from 'node:tls';
import { credentials, ServerCredentials, type ChannelCredentials } from '@grpc/grpc-js';
import { ForbiddenError, UnauthenticatedError } from '@yiwang/kernel-core';

/** What grpc-js's `getAuthContext()` returns (not exported by its index). */
interface AuthContext {
  readonly transportSecurityType?: string;
  readonly sslPeerCertificate?: PeerCertificate;
}

/** PEM material of one side of a mutual-TLS link. */
export interface TlsMaterial {
  /** CA certificate(s) of the peer organisation: the only issuer we accept. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Server credentials that demand a client certificate issued by the peer's CA. */
export const mtlsServerCredentials = (tls: TlsMaterial): ServerCredentials =>
  ServerCredentials.createSsl(Buffer.from(tls.ca), [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], true);

/** Channel credentials presenting our client certificate and trusting only the peer's CA. */
export const mtlsChannelCredentials = (tls: TlsMaterial): ChannelCredentials =>
  credentials.createSsl(Buffer.from(tls.ca), Buffer.from(tls.key), Buffer.from(tls.cert));

/**
 * The TLS handshake already proved the caller holds a certificate of the peer's CA; this checks it
 * is the one system of that organisation we talk to (its subject CN), not another of its clients.
 */
export function requirePeer(call: { getAuthContext(): AuthContext }, allowed: readonly string[]): string {
  const context = call.getAuthContext();
  const cn = context.sslPeerCertificate?.subject?.CN;
  if (context.transportSecurityType !== 'ssl' || !cn)
    throw new UnauthenticatedError('the operations-centre link needs mutual TLS with a client certificate');
  const name = Array.isArray(cn) ? cn.join(',') : cn;
  if (!allowed.includes(name)) throw new ForbiddenError(`certificate ${name} is not the operations centre's`, { peer: name });
  return name;
}
