// Binary negotiation (WS-Trust 8.4) through real bytes: JS exchange handlers (an X25519 key
// agreement on node:crypto standing in for SPNEGO / TLSNEGO) on both sides, 2 and 3 legs,
// both trust versions; the context verifies with the service; a tampered CombinedHash, an
// unknown ValueType and a throwing handler.
import assert from 'node:assert/strict'
import { createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, timingSafeEqual } from 'node:crypto'
import { test } from 'node:test'
import { throwsCode, wssx } from './helpers.mjs'

const { Requestor, TokenService, MemoryStore } = wssx
const VT = 'urn:wssx:test:x25519'
const APP = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a/></s:Body></s:Envelope>'

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('x25519')
  return { privateKey, raw: Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url') }
}
function shared(privateKey, peerRaw) {
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(peerRaw).toString('base64url') }, format: 'jwk' })
  return createHash('sha256').update(diffieHellman({ privateKey, publicKey })).digest()
}
const confirmation = (k) => createHmac('sha1', k).update('confirm').digest()

/** Requestor side: our public key first; the key once the service's arrives. */
function client(confirm) {
  const kp = keyPair()
  let secret = null
  return {
    valueType: VT,
    steps: 0,
    step(incoming) {
      this.steps++
      if (secret) return { complete: true, key: secret }
      if (incoming === null) return { output: kp.raw }
      assert.ok(Buffer.isBuffer(incoming))
      secret = shared(kp.privateKey, incoming)
      return { output: confirm ? confirmation(secret) : null, complete: true, key: secret }
    },
  }
}

/** Service side: with `confirm`, a third leg proves possession before the service issues. */
function server(confirm) {
  const kp = keyPair()
  let secret = null
  return {
    step(incoming) {
      if (!secret) {
        secret = shared(kp.privateKey, incoming)
        return confirm ? { output: kp.raw, complete: false } : { output: kp.raw, complete: true, key: secret }
      }
      const got = Buffer.from(incoming)
      if (got.length !== 20 || !timingSafeEqual(got, confirmation(secret))) throw new Error('bad confirmation')
      return { complete: true, key: secret }
    },
  }
}

function negotiatingService(confirm, seen = []) {
  return new TokenService(new MemoryStore(100), {
    negotiator: (vt) => {
      seen.push(vt)
      return vt === VT ? server(confirm) : null
    },
  })
}

for (const trustVersion of ['2005/02', '1.3']) {
  for (const confirm of [false, true]) {
    test(`negotiate: ${confirm ? '3' : '2'} legs, ${trustVersion}`, () => {
      const seen = []
      const svc = negotiatingService(confirm, seen)
      assert.equal(svc.usesJavascript, true)
      const req = new Requestor({ to: 'urn:sts', trustVersion })
      const h = client(confirm)
      let { request, negotiation } = req.negotiate(h)
      assert.equal(typeof negotiation.contextAttribute, 'string')
      let legs = 0
      let context
      for (;;) {
        legs++
        const resp = svc.handle(request.envelope)
        assert.equal(resp.isFault, false, resp.envelope.toString())
        const prev = negotiation
        const r = prev.step(resp.envelope)
        assert.equal(prev.finished, true)
        throwsCode(() => prev.step(resp.envelope), 'InvalidArgument')
        if (r.kind === 'done') {
          context = r.context
          assert.equal(r.negotiation, null)
          break
        }
        assert.equal(r.kind, 'continue')
        ;({ request, negotiation } = r)
        assert.ok(legs < 5)
      }
      assert.equal(legs, confirm ? 2 : 1)
      assert.deepEqual(seen, [VT])
      assert.equal(context.trustVersion, trustVersion)
      assert.ok(svc.verifyMessage(context.sign(APP)).bodySigned)
    })
  }
}

test('negotiate: a tampered CombinedHash is FailedAuthentication', () => {
  const svc = negotiatingService(false)
  const req = new Requestor({ to: 'urn:sts', trustVersion: '1.3' })
  const { request, negotiation } = req.negotiate(client(false))
  const text = svc.handle(request.envelope).envelope.toString()
  const i = text.indexOf('CombinedHash>') + 'CombinedHash>'.length
  assert.ok(i > 'CombinedHash>'.length)
  const bad = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1)
  throwsCode(() => negotiation.step(bad), 'FailedAuthentication')
})

test('negotiate: an unknown ValueType is refused with BadRequest', () => {
  const seen = []
  const svc = negotiatingService(false, seen)
  const req = new Requestor({ to: 'urn:sts' })
  const { request, negotiation } = req.negotiate({ valueType: 'urn:other', step: () => ({ output: Buffer.from([1]) }) })
  const resp = svc.handle(request.envelope)
  assert.equal(resp.isFault, true)
  assert.deepEqual(seen, ['urn:other'])
  throwsCode(() => negotiation.step(resp.envelope), 'BadRequest')
})

test('negotiate: a handler that throws, on either side, throws the same object', () => {
  const boom = new Error('boom')
  const req = new Requestor({ to: 'urn:sts' })
  // Requestor, first step.
  assert.throws(() => req.negotiate({ valueType: VT, step() { throw boom } }), (e) => e === boom)
  // Requestor, a later step.
  const svc = negotiatingService(false)
  const h = client(false)
  const { request, negotiation } = req.negotiate({ valueType: VT, step: (b) => { if (b) throw boom; return h.step(b) } })
  assert.throws(() => negotiation.step(svc.handle(request.envelope).envelope), (e) => e === boom)
  // Service handler and negotiator.
  const svc2 = new TokenService(new MemoryStore(10), { negotiator: () => ({ step() { throw boom } }) })
  const n2 = req.negotiate(client(false))
  assert.throws(() => svc2.handle(n2.request.envelope), (e) => e === boom)
  const svc3 = new TokenService(new MemoryStore(10), { negotiator: () => { throw boom } })
  assert.throws(() => svc3.handle(req.negotiate(client(false)).request.envelope), (e) => e === boom)
})

test('negotiate: bad handlers and answers are InvalidArgument', () => {
  const req = new Requestor({ to: 'urn:sts' })
  throwsCode(() => req.negotiate(null), 'InvalidArgument')
  throwsCode(() => req.negotiate({ valueType: VT }), 'InvalidArgument')
  throwsCode(() => req.negotiate({ step: () => ({}) }), 'InvalidArgument')
  throwsCode(() => req.negotiate({ valueType: VT, step: () => 42 }), 'InvalidArgument')
  throwsCode(() => req.negotiate({ valueType: VT, step: () => ({ output: 'text' }) }), 'InvalidArgument')
  throwsCode(() => req.negotiate({ valueType: VT, step: async () => ({ output: Buffer.from([1]) }) }), 'InvalidArgument')
  throwsCode(() => new TokenService(new MemoryStore(10), { negotiator: 1 }), 'InvalidArgument')
  throwsCode(() => new wssx.Negotiation(), 'InvalidArgument')
})
