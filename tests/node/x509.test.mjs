// X.509 features through real bytes (core's binding_patterns.rs, from Node): WS-SC
// Appendix A.1 (requestor entropy encrypted for the service's certificate, with and
// without issuer entropy), a key exchange token then encrypted entropy, and direct key
// transfer (a context created locally, propagated in a wst:IssuedTokens header of a
// message signed with it). The certificate and key are the fixtures of core's tests.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createPublicKey, X509Certificate } from 'node:crypto'
import { join } from 'node:path'
import { test } from 'node:test'
import { repo, throwsCode, wssx } from './helpers.mjs'

const { Requestor, TokenService, MemoryStore, SecurityContext, Envelope } = wssx

const fixtures = join(repo, 'core', 'tests', 'fixtures', 'keytransport')
const CERT = readFileSync(join(fixtures, 'recipient-cert.pem'))
const KEY = readFileSync(join(fixtures, 'recipient-key.pem'))
const CERT_DER = new X509Certificate(CERT).raw
const identity = { certificate: CERT, privateKey: KEY }

const APP = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><m:Order xmlns:m="urn:shop">42 widgets</m:Order></s:Body></s:Envelope>'
const TRUST_NS = { '2005/02': 'http://schemas.xmlsoap.org/ws/2005/02/trust', '1.3': 'http://docs.oasis-open.org/ws-sx/ws-trust/200512' }

function roundTrip(svc, ex) {
  const resp = svc.handle(ex.request.envelope)
  return { resp, outcome: ex.pending.finish(resp.envelope) }
}

test('WS-SC A.1: requestor entropy encrypted for the service certificate, with and without issuer entropy', () => {
  for (const trustVersion of ['2005/02', '1.3']) {
    for (const issuerEntropy of [true, false]) {
      const svc = new TokenService(new MemoryStore(), { identity, issuerEntropy })
      // PEM text, PEM bytes and DER bytes all configure the certificate.
      for (const serviceCertificate of [CERT, CERT.toString('utf8'), CERT_DER]) {
        const req = new Requestor({ to: 'http://sts.example/', trustVersion, serviceCertificate })
        const ex = req.issue()
        const sent = ex.request.envelope.toString()
        assert.ok(sent.includes('EncryptedKey') && !sent.includes('BinarySecret'), 'the entropy is not in the clear')
        const { resp, outcome } = roundTrip(svc, ex)
        assert.equal(resp.isFault, false, resp.envelope.toString())
        assert.equal(resp.envelope.toString().includes('RequestedProofToken'), issuerEntropy)
        assert.equal(outcome.kind, 'issued')
        const ctx = outcome.context
        assert.ok(svc.verifyMessage(ctx.signAndEncrypt(APP)).bodySigned)
        // Renewal with fresh (encrypted) entropy re-keys consistently.
        const renewed = roundTrip(svc, req.renew(ctx)).outcome.context
        assert.notDeepEqual(renewed.secret, ctx.secret)
        assert.ok(svc.verifyMessage(renewed.sign(APP)).bodySigned)
      }
    }
  }
  // A service without the private key refuses encrypted entropy with a typed fault.
  const bare = new TokenService(new MemoryStore())
  const ex = new Requestor({ to: 'x:sts', serviceCertificate: CERT }).issue()
  throwsCode(() => ex.pending.finish(bare.handle(ex.request.envelope).envelope), 'InvalidRequest')
})

test('key exchange token, then entropy encrypted for it', () => {
  const svc = new TokenService(new MemoryStore(), { identity })
  for (const trustVersion of ['2005/02', '1.3']) {
    const ex = new Requestor({ to: 'x:sts', trustVersion }).keyExchangeToken()
    assert.equal(ex.pending.operation, 'keyExchangeToken')
    const { resp, outcome } = roundTrip(svc, ex)
    assert.equal(resp.isFault, false, resp.envelope.toString())
    assert.equal(resp.operation, 'keyExchange')
    assert.equal(outcome.kind, 'keyExchangeToken')
    assert.equal(outcome.context, null)
    assert.ok(Buffer.isBuffer(outcome.certificate))
    assert.deepEqual(outcome.certificate, CERT_DER, 'the DER of the service certificate')
    const req = new Requestor({ to: 'x:sts', trustVersion, serviceCertificate: outcome.certificate })
    const issued = roundTrip(svc, req.issue())
    assert.ok(issued.resp.envelope.toString().length > 0)
    assert.ok(!issued.resp.isFault)
    assert.ok(svc.verifyMessage(issued.outcome.context.sign(APP)).bodySigned)
  }
  // A service without a certificate answers with a typed fault.
  const ex = new Requestor({ to: 'x:sts' }).keyExchangeToken()
  throwsCode(() => ex.pending.finish(new TokenService(new MemoryStore()).handle(ex.request.envelope).envelope), 'BadRequest')
})

/** An application message carrying `rstrs` in a wst:IssuedTokens header, signed with `ctx`. */
function propagating(ctx, rstrs) {
  const ns = TRUST_NS[ctx.trustVersion]
  const wrapped = Envelope.wrap(APP, { action: 'urn:shop:Order', to: 'urn:shop' })
  wrapped.headers = [`<wst:IssuedTokens xmlns:wst="${ns}">${rstrs.map(String).join('')}</wst:IssuedTokens>`]
  return ctx.sign(wrapped.toXml())
}

test('direct key transfer: propagate in an IssuedTokens header, acceptUnsolicited', () => {
  const mem = new MemoryStore()
  const svc = new TokenService(mem, { identity, acceptUnsolicited: true })
  for (const trustVersion of ['2005/02', '1.3']) {
    const ctx = SecurityContext.create({ trustVersion, keyBits: 256, lifetime: 600 })
    assert.equal(ctx.trustVersion, trustVersion)
    assert.equal(ctx.secret.length, 32)
    assert.ok(ctx.expires.getTime() - ctx.created.getTime() === 600_000)
    const rstr = ctx.propagate(CERT)
    assert.ok(Buffer.isBuffer(rstr))
    const xml = rstr.toString()
    assert.ok(xml.includes('EncryptedKey') && xml.includes(ctx.identifier))
    assert.ok(!xml.includes(ctx.secret.toString('base64')), 'the key is encrypted')
    const msg = propagating(ctx, [rstr])
    assert.equal(Envelope.fromXml(msg).issuedTokens.length, 1)
    const stored = svc.acceptUnsolicited(msg, { requireSignature: true })
    assert.equal(stored.identifier, ctx.identifier)
    assert.deepEqual(stored.secret, ctx.secret)
    assert.equal(stored.version, trustVersion)
    assert.equal(mem.get(ctx.identifier).identifier, ctx.identifier)
    assert.equal(svc.verifyMessage(ctx.sign(APP)).signerOf('Body').identifier, ctx.identifier)
    // A replay of the same propagation is refused (the context exists).
    throwsCode(() => svc.acceptUnsolicited(msg), 'BadContextToken')
    // A propagation not signed with the new context is refused...
    const other = SecurityContext.create({ trustVersion, lifetime: 600 })
    const forged = propagating(ctx, [other.propagate(CERT_DER)])
    throwsCode(() => svc.acceptUnsolicited(forged), 'FailedAuthentication')
    // ...unless the signature is not required.
    assert.equal(svc.acceptUnsolicited(forged, { requireSignature: false }).identifier, other.identifier)
  }
  // By policy, refused; without the private key, the key cannot be read.
  const ctx = SecurityContext.create({ lifetime: 600 })
  const msg = propagating(ctx, [ctx.propagate(CERT)])
  throwsCode(() => new TokenService(new MemoryStore(), { identity }).acceptUnsolicited(msg), 'UnsupportedContextToken')
  throwsCode(() => new TokenService(new MemoryStore(), { acceptUnsolicited: true }).acceptUnsolicited(msg))
  // The boolean form of requireSignature still works.
  assert.equal(new TokenService(new MemoryStore(), { identity, acceptUnsolicited: true }).acceptUnsolicited(msg, false).identifier, ctx.identifier)
})

test('X.509 arguments are checked', () => {
  throwsCode(() => new Requestor({ to: 'x', serviceCertificate: 'not a certificate' }), 'InvalidArgument')
  throwsCode(() => new Requestor({ to: 'x', serviceCertificate: 42 }), 'InvalidArgument')
  throwsCode(() => new TokenService(new MemoryStore(), { identity: { certificate: CERT } }), 'InvalidArgument')
  throwsCode(() => new TokenService(new MemoryStore(), { identity: { certificate: CERT, privateKey: CERT } }), 'InvalidArgument')
  throwsCode(() => new TokenService(new MemoryStore(), { identity: { ...identity, extra: 1 } }), 'InvalidArgument')
  const ctx = SecurityContext.create()
  throwsCode(() => ctx.propagate(Buffer.from('nope')), 'InvalidArgument')
  throwsCode(() => SecurityContext.create({ keyBits: 100 }), 'InvalidArgument')
  throwsCode(() => SecurityContext.create({ colour: 1 }), 'InvalidArgument')
  throwsCode(() => SecurityContext.create({ keyBits: 128 }, 128), 'InvalidArgument')
  throwsCode(() => new TokenService(new MemoryStore()).acceptUnsolicited(APP, { requireSignatures: false }), 'InvalidArgument')
  // The service's public key matches the fixture certificate (a sanity check of the fixture).
  assert.equal(createPublicKey(KEY).export({ format: 'der', type: 'spki' }).length > 0, true)
})

test('messages protected for a certificate: protectForRecipient, verify with an identity', () => {
  const { protectForRecipient, verify } = wssx
  for (const [protection, signed, decrypted] of [['sign', true, false], ['encrypt', false, true], ['signAndEncrypt', true, true], [undefined, true, true]]) {
    for (const scVersion of ['2005/02', '1.3']) {
      const out = protectForRecipient(APP, CERT, protection, { timestampTtl: 300 }, scVersion)
      assert.deepEqual(Object.keys(out), ['envelope', 'key'])
      assert.equal(out.key.length, 32)
      const xml = out.envelope.toString()
      assert.ok(xml.includes('EncryptedKey'))
      assert.equal(xml.includes('42 widgets'), !decrypted, 'the body is encrypted when asked')
      const report = verify(out.envelope, new Map(), { identity })
      assert.equal(report.bodySigned, signed)
      assert.equal(report.bodyDecrypted, decrypted)
      if (decrypted) assert.ok(report.envelope.toString().includes('42 widgets'))
      // Without the identity, the key cannot be read.
      assert.throws(() => verify(out.envelope, new Map()))
    }
  }
  // A certificate in DER, and the service verifying with its own identity.
  const svc = new TokenService(new MemoryStore(), { identity })
  const der = protectForRecipient(APP, CERT_DER, 'sign', { suite: 'Basic256Sha256' })
  assert.ok(svc.verifyMessage(der.envelope, { identity }).bodySigned)
  // Tampering is detected.
  const tampered = protectForRecipient(APP, CERT, 'sign').envelope.toString().replace('42 widgets', '43 widgets')
  throwsCode(() => verify(tampered, new Map(), { identity }), 'InvalidSignature')
  // Arguments.
  throwsCode(() => protectForRecipient(APP, 'nope'), 'InvalidArgument')
  throwsCode(() => protectForRecipient(APP, CERT, 'seal'), 'InvalidArgument')
  throwsCode(() => protectForRecipient(APP, CERT, 'sign', {}, '2.0'), 'InvalidArgument')
  throwsCode(() => verify(APP, new Map(), { identity: { certificate: CERT } }), 'InvalidArgument')
})
