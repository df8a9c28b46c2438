import 'reflect-metadata'; // @peculiar/x509 (through tsyringe) needs the Reflect metadata polyfill loaded first
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A certificate and its private key, PEM-encoded. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/**
 * The certificates of the link, as two organisations would hold them: each has its own CA, and
 * issues its server and client certificates from it. Each side trusts only the other's CA.
 * `stranger` is a client certificate from the centre's CA with another identity (some other
 * department's system), `rogue` one from a CA nobody trusts: both must be refused.
 */
export interface LinkCertificates {
  readonly centreCa: string;
  readonly yiwangCa: string;
  /** The centre's gRPC server (OpsCentreService), CN `opscenter-server`. */
  readonly centreServer: PemPair;
  /** The centre calling Yiwang, CN `opscenter-jiaozuo`. */
  readonly centreClient: PemPair;
  /** Yiwang's integration, CN `yiwang-integration`: its server certificate and its client certificate towards the centre. */
  readonly yiwangClient: PemPair;
  readonly stranger: PemPair;
  readonly rogue: PemPair;
}

export const LINK_IDENTITIES = {
  centreClient: 'opscenter-jiaozuo',
  yiwangClient: 'yiwang-integration',
  stranger: 'dept-parking-app',
} as const;

const keyPem = async (key: CryptoKey): Promise<string> => {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
};

const newKeys = async (): Promise<CryptoKeyPair> => (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;

let serial = 1;
const validity = () => ({ notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 365 * 24 * 3600_000) });

async function authority(name: string): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: `CN=${name}`,
    ...validity(),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { cert, keys };
}

async function issue(
  ca: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  commonName: string,
  hostNames: readonly string[] = [],
): Promise<PemPair> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: `CN=${commonName}`,
    issuer: ca.cert.subject,
    ...validity(),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: commonName },
        ...hostNames.map((value) => ({ type: 'dns' as const, value })),
      ]),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

/** Fresh certificates for both organisations, made in-process (no openssl needed). ECDSA P-256, valid a year. */
export async function generateLinkCertificates(): Promise<LinkCertificates> {
  const centre = await authority('Jiaozuo City Operations Centre CA');
  const yiwang = await authority('Jiaozuo Urban Management Bureau CA');
  const rogueCa = await authority('Unknown CA');
  return {
    centreCa: centre.cert.toString('pem'),
    yiwangCa: yiwang.cert.toString('pem'),
    centreServer: await issue(centre, 'opscenter-server', ['opscenter-simulator']),
    centreClient: await issue(centre, LINK_IDENTITIES.centreClient),
    yiwangClient: await issue(yiwang, LINK_IDENTITIES.yiwangClient, ['integration']),
    stranger: await issue(centre, LINK_IDENTITIES.stranger),
    rogue: await issue(rogueCa, LINK_IDENTITIES.centreClient),
  };
}

/** Writes the certificates as `<name>.crt` / `<name>.key` files (the demo's and compose's layout). */
export function writeLinkCertificates(dir: string, certs: LinkCertificates): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  const put = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    files[name] = path;
  };
  put('centre-ca.crt', certs.centreCa);
  put('yiwang-ca.crt', certs.yiwangCa);
  for (const name of ['centreServer', 'centreClient', 'yiwangClient'] as const) {
    const file = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    put(`${file}.crt`, certs[name].cert);
    put(`${file}.key`, certs[name].key);
  }
  return files;
}
