import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { ForbiddenError, UnauthenticatedError } from '@yiwang/kernel-core';
import { bearerToken, createTokenVerifier, signToken } from './jwt';
import { requireDepartment, requireRole, type Principal } from './principal';

const secret = 'a-test-secret-that-is-at-least-32-chars';
const inspector: Principal = { subject: 'u-17', department: 'dept.sanitation.d01', roles: ['inspector'] };

describe('createTokenVerifier (HS256)', () => {
  const verifier = createTokenVerifier({ jwtSecret: secret, jwtIssuer: 'yiwang-idp', jwtAudience: 'yiwang' });

  it('turns a good token into the principal', async () => {
    const token = await signToken(inspector, { secret, issuer: 'yiwang-idp', audience: 'yiwang' });
    await expect(verifier.verify(token)).resolves.toEqual(inspector);
  });

  it.each([
    ['a wrong signature', { secret: 'another-secret-that-is-32-chars-long!!', issuer: 'yiwang-idp', audience: 'yiwang' }],
    ['an expired token', { secret, issuer: 'yiwang-idp', audience: 'yiwang', expiresInSec: -120 }],
    ['a foreign issuer', { secret, issuer: 'someone-else', audience: 'yiwang' }],
    ['a foreign audience', { secret, issuer: 'yiwang-idp', audience: 'other' }],
  ])('rejects %s as UNAUTHENTICATED', async (_case, options) => {
    const token = await signToken(inspector, options);
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('rejects a token without exp or without a department', async () => {
    const key = new TextEncoder().encode(secret);
    const noExp = await new SignJWT({ dept: 'centre.command', roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('s')
      .setIssuer('yiwang-idp')
      .setAudience('yiwang')
      .sign(key);
    const noDept = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('s')
      .setIssuer('yiwang-idp')
      .setAudience('yiwang')
      .setExpirationTime('1h')
      .sign(key);
    await expect(verifier.verify(noExp)).rejects.toThrow(/exp/);
    await expect(verifier.verify(noDept)).rejects.toThrow(/department/);
  });

  it('rejects garbage', async () => {
    await expect(verifier.verify('not.a.jwt')).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('createTokenVerifier (public key)', () => {
  it('accepts ES256 tokens signed by the matching private key, and still HS256 ones', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString().replace(/\n/g, '\\n'); // as an env var holds it
    const verifier = createTokenVerifier({ jwtSecret: secret, jwtPublicKey: pem });
    const es256 = await new SignJWT({ dept: 'centre.command', roles: ['dispatcher'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('c-1')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verifier.verify(es256)).resolves.toEqual({ subject: 'c-1', department: 'centre.command', roles: ['dispatcher'] });
    await expect(verifier.verify(await signToken(inspector, { secret }))).resolves.toEqual(inspector);
  });

  it('rejects RS256 when the configured key is EC', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const verifier = createTokenVerifier({
      jwtSecret: secret,
      jwtPublicKey: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const rs256 = await new SignJWT({ dept: 'centre.command', roles: [] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('c-1')
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    await expect(verifier.verify(rs256)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('bearerToken', () => {
  it('extracts the token and rejects other schemes', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerToken(undefined)).toThrow(UnauthenticatedError);
    expect(() => bearerToken('Basic dXNlcjpwdw==')).toThrow(UnauthenticatedError);
  });
});

describe('requireRole / requireDepartment', () => {
  it('passes with one of the roles and the same department', () => {
    expect(() => requireRole(inspector, 'dispatcher', 'inspector')).not.toThrow();
    expect(() => requireDepartment(inspector, 'dept.sanitation.d01')).not.toThrow();
  });

  it('throws ForbiddenError otherwise', () => {
    expect(() => requireRole(inspector, 'dispatcher')).toThrow(ForbiddenError);
    expect(() => requireDepartment(inspector, 'dept.sanitation.d02')).toThrow(ForbiddenError);
  });
});
