// The protocols: Requestor against TokenService through real bytes. The full lifecycle
// (issue, use, renew, amend, validate, cancel, refused afterwards) in both trust
// generations, both SOAP versions, over a MemoryStore and a Map-backed JS store; JS hooks
// that throw or misbehave; challenges; the async helpers over HTTP; worker threads.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { NS, pkgDir, rnd, throwsCode, wssx } from './helpers.mjs'

const { Requestor, TokenService, MemoryStore, SecurityContext, SecurityContextToken, Envelope, Fault } = wssx
const { RequestSecurityTokenResponse: RSTR } = wssx

const APP = {
  '1.1': '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:Ping xmlns:m="urn:app">hello</m:Ping></s:Body></s:Envelope>',
  '1.2': '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><m:Ping xmlns:m="urn:app">hello</m:Ping></s:Body></s:Envelope>',
}

/**
 * A context store over a Map, implementing core's ContextStore contract: the current key
 * instance plus the previous ones (kept for good here: no rollover expiry), cancellation
 * tombstones. `get(id, null)` names the instance issued without a wsc:Instance, and falls
 * back to the current one.
 */
function mapStore() {
  const m = new Map()
  const calls = []
  return {
    m,
    calls,
    get(identifier, instance) {
      calls.push(['get', identifier, instance])
      const e = m.get(identifier)
      if (!e) return null
      if (e.cancelled) return 'cancelled'
      if (e.current.instance === instance) return e.current
      const previous = e.previous.find((p) => p.instance === instance)
      if (previous) return previous
      return instance === null ? e.current : null
    },
    insert(ctx) {
      calls.push(['insert', ctx.identifier, ctx.instance])
      const e = m.get(ctx.identifier)
      if (e?.cancelled) throw new Error('the context was cancelled')
      if (e) {
        e.previous.push(e.current)
        e.current = ctx
      } else {
        m.set(ctx.identifier, { current: ctx, previous: [], cancelled: false })
      }
    },
    update(ctx) {
      calls.push(['update', ctx.identifier, ctx.instance])
      const e = m.get(ctx.identifier)
      if (e.current.instance === ctx.instance) e.current = ctx
      else e.previous = e.previous.map((p) => (p.instance === ctx.instance ? ctx : p))
    },
    cancel(identifier) {
      calls.push(['cancel', identifier])
      const e = m.get(identifier)
      if (!e) return false
      e.cancelled = true
      e.current = null
      e.previous = []
      return true
    },
    purge(now) {
      let n = 0
      for (const [k, e] of m) {
        if (!e.cancelled && e.current.expires < now) {
          m.delete(k)
          n++
        }
      }
      return n
    },
  }
}

/** One round trip: start an exchange, let the service handle it, finish it. */
function roundTrip(svc, exchange) {
  const resp = svc.handle(exchange.request.envelope)
  return { resp, outcome: exchange.pending.finish(resp.envelope) }
}

/** The key the store holds for a context, whichever kind of store it is. */
function storedSecret(store, identifier, instance = null) {
  const s = store.get(identifier, instance)
  return s && s !== 'cancelled' ? s.secret : s
}

for (const trustVersion of ['2005/02', '1.3']) {
  for (const soapVersion of ['1.1', '1.2']) {
    for (const storeKind of ['MemoryStore', 'JS store']) {
      test(`lifecycle: WS-Trust ${trustVersion}, SOAP ${soapVersion}, ${storeKind}`, () => {
        const store = storeKind === 'MemoryStore' ? new MemoryStore(100) : mapStore()
        const svc = new TokenService(store)
        assert.equal(svc.usesJavascript, storeKind !== 'MemoryStore')
        const req = new Requestor({ to: 'https://sts.example.org/sc', trustVersion, soapVersion })
        assert.equal(req.trustVersion, trustVersion)
        assert.equal(req.addressing, trustVersion === '2005/02' ? '2004/08' : '2005/08')

        // Issue.
        const issue = req.issue()
        assert.equal(issue.request.action, `${trustVersion === '2005/02' ? 'http://schemas.xmlsoap.org/ws/2005/02/trust' : 'http://docs.oasis-open.org/ws-sx/ws-trust/200512'}/RST/SCT`)
        assert.equal(Envelope.fromXml(issue.request.envelope).soapVersion, soapVersion)
        assert.equal(issue.request.soapAction === null, soapVersion === '1.2')
        const { resp, outcome } = roundTrip(svc, issue)
        assert.equal(resp.isFault, false, resp.envelope.toString())
        assert.equal(resp.status, 200)
        assert.equal(resp.operation, 'issue')
        assert.equal(outcome.kind, 'issued')
        const ctx = outcome.context
        assert.ok(ctx instanceof SecurityContext)
        assert.equal(resp.context, ctx.identifier)
        assert.equal(ctx.trustVersion, trustVersion)
        assert.equal(ctx.sct.version, trustVersion)
        assert.equal(ctx.secret.length, 32)
        assert.deepEqual(storedSecret(store, ctx.identifier), ctx.secret, 'the requestor holds the service key (CK/PSHA1)')
        assert.ok(ctx.expires > new Date() && ctx.created <= new Date())
        assert.equal(ctx.cancelled, false)
        assert.ok(ctx.attachedReference.startsWith('#'))
        assert.equal(ctx.unattachedReference, ctx.identifier)
        assert.equal(issue.pending.finished, true)

        // Use: signed and encrypted with derived keys, verified with the store's keys.
        const report = svc.verifyMessage(ctx.signAndEncrypt(APP[soapVersion]))
        assert.ok(report.bodySigned && report.bodyDecrypted)
        assert.deepEqual(report.signerOf('Body'), { identifier: ctx.identifier, instance: null })

        // Renew with new key material: a new instance with a new key; the old one still
        // works during the rollover window.
        const renewal = roundTrip(svc, req.renew(ctx))
        assert.equal(renewal.resp.operation, 'renew')
        assert.equal(renewal.outcome.kind, 'renewed')
        const renewed = renewal.outcome.context
        assert.notEqual(renewed, ctx)
        assert.equal(renewed.identifier, ctx.identifier)
        assert.ok(renewed.instance && renewed.instance !== ctx.instance)
        assert.notDeepEqual(renewed.secret, ctx.secret)
        assert.deepEqual(storedSecret(store, ctx.identifier, renewed.instance), renewed.secret)
        assert.equal(svc.verifyMessage(renewed.sign(APP[soapVersion])).signerOf('Body').instance, renewed.instance)
        assert.ok(svc.verifyMessage(ctx.sign(APP[soapVersion])).bodySigned, 'the previous instance during rollover')

        // Renew without requestor entropy: the service chooses the new key alone.
        const same = roundTrip(svc, req.renew(renewed, { newKey: false })).outcome.context
        assert.notEqual(same.instance, renewed.instance)
        assert.deepEqual(storedSecret(store, same.identifier, same.instance), same.secret)

        // Amend: same key; the added token is recorded.
        const extra = SecurityContextToken.generate(trustVersion)
        let seen = null
        const amendEx = req.amend(same, {
          addClaims: (env) => {
            seen = env
            assert.ok(Buffer.isBuffer(env))
            // The additional token travels in the Security header the context signature
            // then extends.
            return env.toString().replace('<s:Header>', `<s:Header><wsse:Security xmlns:wsse="${NS.wsse}">${extra.toXml()}</wsse:Security>`)
          },
        })
        assert.match(seen.toString(), /RST\/SCT\/Amend/)
        const amended = roundTrip(svc, amendEx)
        assert.equal(amended.resp.operation, 'amend', amended.resp.envelope.toString())
        assert.equal(amended.outcome.kind, 'amended')
        assert.equal(amended.outcome.context.identifier, same.identifier)
        assert.deepEqual(amended.outcome.context.secret, same.secret)
        const afterAmend = store.get(same.identifier, same.instance)
        assert.ok(afterAmend.amendments.some((a) => a.includes(extra.identifier)), 'the amendment is stored')

        // Validate.
        const valid = roundTrip(svc, req.validate(same)).outcome
        assert.equal(valid.kind, 'validated')
        assert.equal(valid.valid, true)
        assert.equal(valid.reason, null)

        // Cancel: unusable at once, on both sides, and consistently so.
        const cancelEx = req.cancel(same)
        const cancelBytes = cancelEx.request.envelope
        const cancelled = roundTrip(svc, cancelEx)
        assert.equal(cancelled.resp.operation, 'cancel')
        assert.equal(cancelled.outcome.kind, 'cancelled')
        assert.equal(cancelled.outcome.context.identifier, same.identifier)
        assert.equal(same.cancelled, true, 'the context object itself is marked')
        assert.equal(store.get(same.identifier, null), 'cancelled')
        throwsCode(() => svc.verifyMessage(wssx.sign(APP[soapVersion], renewed.sct, renewed.secret)), 'BadContextToken')
        throwsCode(() => svc.verifyMessage(ctx.sign(APP[soapVersion])), 'BadContextToken')
        throwsCode(() => same.sign(APP[soapVersion]), 'BadContextToken')
        throwsCode(() => req.renew(same), 'BadContextToken')
        for (let i = 0; i < 2; i++) {
          const replay = svc.handle(cancelBytes)
          assert.equal(replay.isFault, true)
          assert.equal(replay.status, 500)
          assert.equal(Fault.fromXml(replay.envelope).kind, 'BadContextToken')
          assert.equal(Envelope.fromXml(replay.envelope).soapVersion, soapVersion)
        }
        const after = roundTrip(svc, req.validate(renewed)).outcome
        assert.equal(after.valid, false)
        assert.match(after.reason, /cancelled/)
        const late = req.renew(renewed)
        throwsCode(() => late.pending.finish(svc.handle(late.request.envelope).envelope), 'BadContextToken')
      })
    }
  }
}

test('entropy "none": the issuer chooses the key; both versions', () => {
  for (const trustVersion of ['2005/02', '1.3']) {
    const store = new MemoryStore()
    const svc = new TokenService(store)
    const req = new Requestor({ to: 'urn:sts', trustVersion, entropy: 'none', keySize: 128 })
    const ctx = roundTrip(svc, req.issue()).outcome.context
    assert.equal(ctx.secret.length, 16)
    assert.deepEqual(store.get(ctx.identifier).secret, ctx.secret)
  }
})

test('requests and responses are ordinary trust messages', () => {
  const svc = new TokenService(new MemoryStore())
  const req = new Requestor({ to: 'urn:sts', lifetime: 600, appliesTo: 'https://rp.example.org/' })
  const ex = req.issue()
  const rst = Envelope.fromXml(ex.request.envelope).message()
  assert.ok(rst instanceof wssx.RequestSecurityToken)
  assert.equal(rst.tokenType, 'SecurityContextToken')
  assert.equal(rst.context, ex.pending.contextAttribute)
  assert.equal(rst.computedKeyAlgorithm, 'PSHA1')
  assert.equal(rst.entropy.length, 32)
  assert.equal(rst.appliesTo, 'https://rp.example.org/')
  assert.ok(rst.lifetime.expires - rst.lifetime.created === 600_000)
  const resp = svc.handle(ex.request.envelope)
  const rstrc = Envelope.fromXml(resp.envelope).message()
  assert.ok(rstrc instanceof wssx.RequestSecurityTokenResponseCollection, '1.3 issues in an RSTRC')
  const rstr = rstrc.responses[0]
  assert.equal(rstr.context, rst.context)
  assert.deepEqual(rstr.proof, { kind: 'computedKey', algorithm: 'PSHA1' })
  assert.ok(rstr.lifetime.expires - rstr.lifetime.created <= 600_000)
  // A response to another request is refused.
  const other = req.issue()
  throwsCode(() => other.pending.finish(resp.envelope), 'InvalidRequest')
  // finish once only.
  const ctx = ex.pending.finish(resp.envelope).context
  throwsCode(() => ex.pending.finish(resp.envelope), 'InvalidArgument')
  assert.ok(ctx)
  // Garbage is answered with a fault, never an exception.
  for (const junk of ['<x/>', 'not xml', Buffer.from([0xff, 0x00]), '']) {
    const r = svc.handle(junk)
    assert.equal(r.isFault, true)
    assert.equal(r.operation, null)
    assert.equal(Fault.fromXml(r.envelope).kind, 'InvalidRequest')
  }
  throwsCode(() => svc.handle(42), 'InvalidArgument')
  // An out-of-policy key size is a version-correct fault.
  const big = new Requestor({ to: 'urn:sts', trustVersion: '2005/02', keySize: 4096 })
  const bx = big.issue()
  const br = svc.handle(bx.request.envelope)
  assert.ok(br.isFault && br.envelope.toString().includes('http://schemas.xmlsoap.org/ws/2005/02/trust'))
  throwsCode(() => bx.pending.finish(br.envelope), 'InvalidRequest')
})

test('a JS store that throws: the very exception comes out of the service call', () => {
  const boom = new Error('database down')
  for (const method of ['get', 'insert', 'cancel']) {
    const inner = mapStore()
    const store = { ...inner, [method]: () => { throw boom } }
    const svc = new TokenService(store)
    const good = new TokenService(inner)
    const req = new Requestor({ to: 'urn:sts' })
    const ctx = roundTrip(good, req.issue()).outcome.context
    const ex = method === 'insert' ? req.issue() : method === 'get' ? req.renew(ctx) : req.cancel(ctx)
    let caught
    try {
      svc.handle(ex.request.envelope)
    } catch (e) {
      caught = e
    }
    assert.equal(caught, boom, `${method}: the same object`)
    // The service is still usable afterwards.
    assert.equal(good.handle(req.issue().request.envelope).isFault, false)
  }
  // Non-Error values too, and from verifyMessage.
  const inner = mapStore()
  const svc = new TokenService(inner)
  const req = new Requestor({ to: 'urn:sts' })
  const ctx = roundTrip(svc, req.issue()).outcome.context
  const throwing = new TokenService({ ...inner, get: () => { throw 'a string' } }) // eslint-disable-line no-throw-literal
  assert.throws(() => throwing.verifyMessage(ctx.sign(APP['1.2'])), (e) => e === 'a string')
  // A getter on the returned context that throws.
  const sneaky = new TokenService({ ...inner, get: () => ({ get identifier() { throw boom } }) })
  assert.throws(() => sneaky.verifyMessage(ctx.sign(APP['1.2'])), (e) => e === boom)
})

test('a JS store that answers wrongly is an InvalidArgument error', () => {
  const inner = mapStore()
  const svc = new TokenService(inner)
  const req = new Requestor({ to: 'urn:sts' })
  const ctx = roundTrip(svc, req.issue()).outcome.context
  const msg = ctx.sign(APP['1.2'])
  for (const [label, get] of [
    ['a number', () => 42],
    ['another string', () => 'gone'],
    ['a Promise', async () => null],
    ['an object without a secret', () => ({ identifier: 'x', expires: new Date() })],
    ['a bad secret', (id) => ({ ...inner.get(id, null), secret: 'not bytes' })],
  ]) {
    const bad = new TokenService({ ...inner, get })
    try {
      bad.verifyMessage(msg)
      assert.fail(`${label} accepted`)
    } catch (e) {
      assert.equal(e.code, 'InvalidArgument', `${label}: ${e.message}`)
      assert.match(e.message, /store\.get/)
    }
  }
  // A store missing a method, or not an object.
  throwsCode(() => new TokenService({ get() {}, insert() {}, update() {} }), 'InvalidArgument')
  throwsCode(() => new TokenService(null), 'InvalidArgument')
  throwsCode(() => new TokenService([]), 'InvalidArgument')
  throwsCode(() => new TokenService({ ...inner, cancel: 1 }), 'InvalidArgument')
  // A JS store works only through the synchronous calls.
  throwsCode(() => new TokenService(inner).handleAsync(req.issue().request.envelope), 'InvalidArgument')
})

test('the JS store sees core\'s StoredContext shape and the rollover contract', () => {
  const store = mapStore()
  const svc = new TokenService(store, { contextLifetime: 120 })
  const req = new Requestor({ to: 'urn:sts', trustVersion: '2005/02' })
  const ctx = roundTrip(svc, req.issue()).outcome.context
  const stored = store.m.get(ctx.identifier).current
  assert.deepEqual(Object.keys(stored), ['identifier', 'instance', 'secret', 'version', 'created', 'expires', 'principal', 'amendments'])
  assert.ok(Buffer.isBuffer(stored.secret) && stored.created instanceof Date && stored.expires instanceof Date)
  assert.equal(stored.version, '2005/02')
  assert.equal(stored.instance, null)
  assert.ok(stored.expires - stored.created === 120_000)
  assert.deepEqual(store.calls[0], ['insert', ctx.identifier, null])
  store.calls.length = 0
  roundTrip(svc, req.renew(ctx))
  assert.ok(store.calls.some(([m, , i]) => m === 'get' && i === null), 'the renew target is looked up')
  assert.ok(store.calls.some(([m, , i]) => m === 'insert' && i !== null), 'the new instance is inserted')
  // purge goes to the store's purge.
  assert.equal(svc.purge(new Date(Date.now() + 3600_000)), 1)
  assert.equal(store.m.size, 0)
})

test('authorize hook: principal, refusal, exception', () => {
  const mem = new MemoryStore()
  const seen = []
  const svc = new TokenService(mem, {
    authorize: (r) => {
      seen.push(r.operation)
      if (r.operation === 'issue') return 'alice'
      if (r.operation === 'cancel') return false
      assert.equal(r.context.principal, 'alice')
      return true
    },
  })
  const req = new Requestor({ to: 'urn:sts' })
  const ctx = roundTrip(svc, req.issue()).outcome.context
  assert.equal(mem.get(ctx.identifier).principal, 'alice')
  roundTrip(svc, req.validate(ctx))
  const c = req.cancel(ctx)
  const r = svc.handle(c.request.envelope)
  assert.ok(r.isFault)
  throwsCode(() => c.pending.finish(r.envelope), 'FailedAuthentication')
  assert.deepEqual(seen, ['issue', 'validate', 'cancel'])
  const err = new TypeError('policy engine failed')
  const failing = new TokenService(new MemoryStore(), { authorize: () => { throw err } })
  assert.throws(() => failing.handle(req.issue().request.envelope), (e) => e === err)
  const odd = new TokenService(new MemoryStore(), { authorize: () => 7 })
  throwsCode(() => odd.handle(req.issue().request.envelope), 'InvalidArgument')
  assert.equal(odd.usesJavascript, true)
})

test('requestor callbacks: reproof gets the envelope, its exception comes out unchanged', () => {
  const svc = new TokenService(new MemoryStore())
  const req = new Requestor({ to: 'urn:sts' })
  const ctx = roundTrip(svc, req.issue()).outcome.context
  let got = null
  const ok = req.renew(ctx, { reproof: (env) => { got = env; return env.toString() } })
  assert.ok(Buffer.isBuffer(got) && got.toString().includes('RenewTarget'))
  assert.equal(roundTrip(svc, ok).outcome.kind, 'renewed')
  const err = new RangeError('no certificate')
  assert.throws(() => req.renew(ctx, { reproof: () => { throw err } }), (e) => e === err)
  assert.throws(() => req.amend(ctx, { addClaims: () => { throw err } }), (e) => e === err)
  throwsCode(() => req.renew(ctx, { reproof: () => 42 }), 'InvalidArgument')
  throwsCode(() => req.renew(ctx, { reproof: () => Promise.resolve('x') }), 'InvalidArgument')
  throwsCode(() => req.renew(ctx, { reproof: 'no' }), 'InvalidArgument')
  throwsCode(() => req.renew({}), 'InvalidArgument')
  throwsCode(() => req.renew(ctx, { newKey: 'yes' }), 'InvalidArgument')
  // A reproof that breaks the message: the service refuses.
  const broken = req.renew(ctx, { reproof: (env) => env.toString().replaceAll('RenewTarget', 'RenewTargetX') })
  assert.ok(svc.handle(broken.request.envelope).isFault)
})

test('challenge (WS-SC A.2 / B): answered with the caller\'s signature step', async () => {
  for (const trustVersion of ['2005/02', '1.3']) {
    const svc = new TokenService(new MemoryStore(), {
      challenge: true,
      authorize: (r) => (r.envelope.toString().includes('urn:proof') ? 'bob' : false),
    })
    const req = new Requestor({ to: 'urn:sts', trustVersion })
    const first = roundTrip(svc, req.issue())
    assert.equal(first.outcome.kind, 'challenge')
    const challenge = first.outcome.challenge
    assert.ok(challenge instanceof wssx.Challenge)
    assert.ok(challenge.text.length > 0)
    const sign = (env) => env.toString().replace('<s:Body', '<s:Body xmlns:proof="urn:proof"')
    const answer = req.answerChallenge(challenge, sign)
    const done = roundTrip(svc, answer).outcome
    assert.equal(done.kind, 'issued')
    assert.ok(svc.verifyMessage(done.context.sign(APP['1.2'])).bodySigned)
    // Without the proof the authorizer refuses.
    const again = roundTrip(svc, req.issue()).outcome
    const bare = req.answerChallenge(again.challenge)
    throwsCode(() => bare.pending.finish(svc.handle(bare.request.envelope).envelope), 'FailedAuthentication')
    // The async helper answers challenges too.
    const ctx = await req.obtain((r) => svc.handle(r.envelope).envelope, { sign })
    assert.ok(ctx instanceof SecurityContext)
    await assert.rejects(req.obtain((r) => svc.handle(r.envelope).envelope), (e) => e.code === 'FailedAuthentication')
    const err = new Error('signing failed')
    assert.throws(() => req.answerChallenge(again.challenge, () => { throw err }), (e) => e === err)
  }
  throwsCode(() => new Requestor({ to: 'urn:sts' }).answerChallenge({ text: 'x' }), 'InvalidArgument')
})

test('expired contexts: RenewNeeded on use, renewal refused unless the policy allows it', async () => {
  const svc = new TokenService(new MemoryStore(), { contextLifetime: 0, clockSkew: 0 })
  const req = new Requestor({ to: 'urn:sts' })
  const ctx = roundTrip(svc, req.issue()).outcome.context
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(ctx.isExpired(), true)
  assert.equal(ctx.shouldRenew(0), true)
  throwsCode(() => svc.verifyMessage(ctx.sign(APP['1.1'])), 'RenewNeeded')
  const r = req.renew(ctx)
  throwsCode(() => r.pending.finish(svc.handle(r.request.envelope).envelope), 'UnableToRenew')
  const lenient = new TokenService(new MemoryStore(), { contextLifetime: 0, clockSkew: 0, renewExpired: true })
  const c2 = roundTrip(lenient, req.issue()).outcome.context
  await new Promise((res) => setTimeout(res, 20))
  assert.equal(roundTrip(lenient, req.renew(c2)).outcome.kind, 'renewed')
})

test('SecurityContext: create, restore, renewal timing, toJSON without the key', () => {
  const c = SecurityContext.create('2005/02', 128, 600)
  assert.equal(c.secret.length, 16)
  assert.equal(c.trustVersion, '2005/02')
  assert.equal(c.sct.version, '2005/02')
  assert.ok(c.sct.id)
  assert.equal(c.shouldRenew(60), false)
  assert.equal(c.shouldRenew(601), true)
  assert.equal(c.shouldRenew(60, new Date(Date.now() + 590_000)), true)
  assert.equal(c.isExpired(0, Date.now() + 601_000), true)
  const j = c.toJSON()
  assert.deepEqual(Object.keys(j), ['type', 'identifier', 'instance', 'trustVersion', 'created', 'expires', 'cancelled'])
  assert.ok(!JSON.stringify(c).includes(c.secret.toString('base64')), 'the key is not serialized')
  const restored = new SecurityContext({ sct: c.sct, secret: c.secret, created: c.created, expires: c.expires, unattachedReference: c.identifier })
  assert.equal(restored.trustVersion, '2005/02', 'the trust version follows the SCT')
  assert.equal(restored.unattachedReference, c.identifier)
  const req = new Requestor({ to: 'urn:sts', keyRollover: 700 })
  assert.equal(req.needsRenewal(restored), true, 'inside the rollover margin')
  assert.equal(new Requestor({ to: 'urn:sts', keyRollover: 60 }).needsRenewal(restored), false)
  throwsCode(() => new SecurityContext({ sct: c.sct, secret: rnd(8) }), 'InvalidArgument')
  throwsCode(() => new SecurityContext({ sct: 'x', secret: rnd(32) }), 'InvalidArgument')
  throwsCode(() => SecurityContext.create('1.3', 100), 'InvalidArgument')
  // Message protection with the context works with the free functions' verify.
  const secured = c.sign(APP['1.1'], { reference: 'identifier' })
  assert.ok(wssx.verify(secured, new Map([[c.identifier, c.secret]])).bodySigned)
})

test('replies: the client verifies with its context; the service verifies under options', () => {
  const mem = new MemoryStore()
  const svc = new TokenService(mem)
  const req = new Requestor({ to: 'urn:sts' })
  const ctx = roundTrip(svc, req.issue()).outcome.context
  // The service answers with the stored key of the signer.
  const report = svc.verifyMessage(ctx.signAndEncrypt(APP['1.1']))
  const signer = report.signerOf('Body')
  const held = mem.get(signer.identifier, signer.instance)
  const sct = new SecurityContextToken(signer.identifier, held.version)
  const answer = wssx.signAndEncrypt(APP['1.2'], sct, held.secret)
  const r = ctx.verify(answer)
  assert.ok(r.bodySigned && r.bodyDecrypted)
  assert.equal(r.signerOf('Body').identifier, ctx.identifier)
  // Another context's message, or another key instance, is not this context's.
  const other = SecurityContext.create()
  throwsCode(() => ctx.verify(other.sign(APP['1.1'])), 'BadContextToken')
  const renewed = roundTrip(svc, req.renew(ctx)).outcome.context
  const withInstance = wssx.sign(APP['1.1'], renewed.sct, renewed.secret)
  throwsCode(() => ctx.verify(withInstance), 'BadContextToken')
  assert.ok(renewed.verify(withInstance).bodySigned)
  // Options: a message without a Timestamp is refused when one is required.
  const bare = ctx.sign(APP['1.1'], { timestampTtl: null })
  assert.ok(svc.verifyMessage(bare).bodySigned)
  throwsCode(() => svc.verifyMessage(bare, { requireTimestamp: true }))
  throwsCode(() => ctx.verify(bare, { requireTimestamp: true }))
  throwsCode(() => svc.verifyMessage(bare, { colour: 1 }), 'InvalidArgument')
  // A timestamp from the future beyond the skew.
  const later = ctx.sign(APP['1.1'])
  throwsCode(() => svc.verifyMessage(later, { now: Date.now() - 3600_000, clockSkew: 0 }))
  // A cancelled context verifies nothing.
  roundTrip(svc, req.cancel(renewed))
  throwsCode(() => renewed.verify(withInstance), 'BadContextToken')
})

test('direct key transfer: an unsolicited RSTR built with the message model is accepted', () => {
  const mem = new MemoryStore()
  const svc = new TokenService(mem, { acceptUnsolicited: true })
  const ctx = SecurityContext.create('1.3', 256, 600)
  const sct = ctx.sct
  sct.id = null
  const rstr = new RSTR({ tokenType: 'SecurityContextToken', requestedToken: sct, proof: { kind: 'binarySecret', secret: ctx.secret }, lifetime: { created: ctx.created, expires: ctx.expires } })
  const env = Envelope.wrap(rstr, { action: 'RSTR/SCT', to: 'urn:peer' })
  const signed = ctx.sign(env.toXml())
  const stored = svc.acceptUnsolicited(signed)
  assert.equal(stored.identifier, ctx.identifier)
  assert.deepEqual(stored.secret, ctx.secret)
  assert.ok(svc.verifyMessage(ctx.sign(APP['1.2'])).bodySigned)
  throwsCode(() => svc.acceptUnsolicited(signed), 'BadContextToken')
  const other = SecurityContext.create()
  throwsCode(() => new TokenService(new MemoryStore()).acceptUnsolicited(other.sign(env.toXml())), 'UnsupportedContextToken')
  throwsCode(() => new TokenService(new MemoryStore(), { acceptUnsolicited: true }).acceptUnsolicited(env.toXml()), 'InvalidSecurityToken')
})

test('MemoryStore as a store object: get / insert / update / cancel / purge', async () => {
  const m = new MemoryStore(2, { rollover: 60 })
  const expires = new Date(Date.now() + 60_000)
  const first = rnd(32)
  m.insert({ identifier: 'urn:a', secret: first, expires })
  m.insert({ identifier: 'urn:a', instance: 'urn:i2', secret: rnd(32), expires, version: '2005/02' })
  assert.equal(m.size, 1)
  assert.equal(m.get('urn:a', 'urn:i2').version, '2005/02', 'the renewed instance')
  assert.deepEqual(m.get('urn:a').secret, first, 'null names the instance without wsc:Instance, within the rollover')
  assert.equal(m.get('urn:a', null).instance, null)
  assert.equal(m.get('urn:a', 'urn:nope'), null)
  m.update({ ...m.get('urn:a', 'urn:i2'), principal: 'carol' })
  assert.equal(m.get('urn:a', 'urn:i2').principal, 'carol')
  throwsCode(() => m.update({ identifier: 'urn:a', instance: 'urn:nope', secret: rnd(32), expires }), 'BadContextToken')
  const short = new MemoryStore(10, { rollover: 0 })
  short.insert({ identifier: 'urn:r', secret: first, expires })
  short.insert({ identifier: 'urn:r', instance: 'urn:r2', secret: rnd(32), expires })
  await new Promise((r) => setTimeout(r, 5))
  assert.equal(short.get('urn:r').instance, 'urn:r2', 'after the rollover window null gives the current instance')
  m.insert({ identifier: 'urn:b', secret: rnd(32), expires: Date.now() - 1000 })
  throwsCode(() => m.insert({ identifier: 'urn:c', secret: rnd(32), expires }), 'RequestFailed')
  assert.equal(m.cancel('urn:a'), true)
  assert.equal(m.cancel('urn:zzz'), false)
  assert.equal(m.get('urn:a'), 'cancelled')
  throwsCode(() => m.update({ identifier: 'urn:a', secret: rnd(32), expires }), 'BadContextToken')
  assert.equal(m.purge(), 0, 'expired contexts are kept for an hour, to answer consistently')
  assert.equal(m.purge(Date.now() + 2 * 3600_000), 2)
  assert.equal(m.get('urn:b'), null)
  assert.equal(m.size, 0)
  throwsCode(() => m.insert({ identifier: 'urn:d', expires }), 'InvalidArgument')
  throwsCode(() => m.insert({ identifier: 'urn:d', secret: rnd(32), expires, colour: 'red' }), 'InvalidArgument')
})

test('handleAsync: many concurrent requests against one MemoryStore service', async () => {
  const mem = new MemoryStore()
  const svc = new TokenService(mem)
  const req = new Requestor({ to: 'urn:sts', trustVersion: '2005/02' })
  const exchanges = Array.from({ length: 40 }, () => req.issue())
  const responses = await Promise.all(exchanges.map((e) => svc.handleAsync(e.request.envelope)))
  const contexts = exchanges.map((e, i) => e.pending.finish(responses[i].envelope).context)
  assert.equal(new Set(contexts.map((c) => c.identifier)).size, 40)
  assert.equal(mem.size, 40)
  const cancels = contexts.map((c) => req.cancel(c))
  const cancelled = await Promise.all(cancels.map((e) => svc.handleAsync(e.request.envelope)))
  for (const [i, e] of cancels.entries()) assert.equal(e.pending.finish(cancelled[i].envelope).kind, 'cancelled')
  for (const c of contexts) assert.equal(mem.get(c.identifier), 'cancelled', 'no context is resurrected')
  const fault = await svc.handleAsync('garbage')
  assert.equal(fault.isFault, true)
})

test('async helpers over real HTTP (node:http server, fetch transport)', async () => {
  const store = mapStore()
  const svc = new TokenService(store)
  const server = createServer(async (request, response) => {
    const chunks = []
    for await (const c of request) chunks.push(c)
    const r = svc.handle(Buffer.concat(chunks))
    response.writeHead(r.status, { 'content-type': r.contentType })
    response.end(r.envelope)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${server.address().port}/sts`
  try {
    for (const soapVersion of ['1.1', '1.2']) {
      const req = new Requestor({ to: url, soapVersion, trustVersion: soapVersion === '1.1' ? '2005/02' : '1.3' })
      const transport = (r) =>
        fetch(url, { method: 'POST', headers: { 'content-type': r.contentType, ...(r.soapAction ? { SOAPAction: r.soapAction } : {}) }, body: r.envelope })
      const ctx = await req.obtain(transport)
      assert.ok(svc.verifyMessage(ctx.sign(APP[soapVersion])).bodySigned)
      const renewed = (await req.send(transport, req.renew(ctx))).context
      assert.notEqual(renewed.instance, ctx.instance)
      assert.equal((await req.send(transport, req.amend(renewed))).kind, 'amended')
      assert.equal((await req.send(transport, req.validate(renewed))).valid, true)
      assert.equal((await req.send(transport, req.cancel(renewed))).kind, 'cancelled')
      await assert.rejects(req.send(transport, req.validate(renewed)).then((o) => assert.equal(o.valid, false)).then(() => req.send(transport, req.renew(ctx))), (e) => e.code === 'BadContextToken')
    }
    const req = new Requestor({ to: url })
    await assert.rejects(req.send('nope', req.issue()), (e) => e.code === 'InvalidArgument')
    await assert.rejects(req.send(() => 42, req.issue()), (e) => e.code === 'InvalidArgument')
    await assert.rejects(req.send(async () => { throw new Error('network down') }, req.issue()), /network down/)
    await assert.rejects(req.send(() => 'x', {}), (e) => e.code === 'InvalidArgument')
  } finally {
    server.close()
  }
})

test('worker threads: each with its own service (MemoryStore and JS store)', async () => {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads')
    const w = require(workerData.pkgDir)
    const APP = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><a/></s:Body></s:Envelope>'
    const m = new Map()
    const js = {
      get: (id, inst) => { const e = m.get(id); if (!e) return null; if (e === 'cancelled') return 'cancelled'; if (e.current.instance === inst) return e.current; return e.previous.find((p) => p.instance === inst) ?? (inst === null ? e.current : null) },
      insert: (c) => { const e = m.get(c.identifier); if (e) { e.previous.push(e.current); e.current = c } else m.set(c.identifier, { current: c, previous: [] }) },
      update: (c) => { const e = m.get(c.identifier); if (e.current.instance === c.instance) e.current = c; else e.previous = e.previous.map((p) => (p.instance === c.instance ? c : p)) },
      cancel: (id) => { m.set(id, 'cancelled'); return true },
    }
    const svc = new w.TokenService(workerData.js ? js : new w.MemoryStore())
    const req = new w.Requestor({ to: 'urn:sts', trustVersion: workerData.version })
    const rt = (ex) => ex.pending.finish(svc.handle(ex.request.envelope).envelope)
    const kinds = []
    for (let i = 0; i < 5; i++) {
      const ctx = rt(req.issue()).context
      svc.verifyMessage(ctx.sign(APP))
      const renewed = rt(req.renew(ctx)).context
      kinds.push(rt(req.cancel(renewed)).kind)
      try { svc.verifyMessage(renewed.sign(APP)) } catch (e) { kinds.push(e.code) }
      try { svc.verifyMessage(w.sign(APP, renewed.sct, renewed.secret)) } catch (e) { kinds.push(e.code) }
    }
    let thrown = null
    const boom = new Error('boom')
    try { new w.TokenService({ ...js, insert: () => { throw boom } }).handle(req.issue().request.envelope) } catch (e) { thrown = e === boom }
    parentPort.postMessage({ kinds, thrown })
  `
  const runs = await Promise.all(
    [
      { version: '2005/02', js: false },
      { version: '1.3', js: true },
      { version: '2005/02', js: true },
      { version: '1.3', js: false },
    ].map(
      (cfg) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(src, { eval: true, workerData: { pkgDir, ...cfg } })
          worker.once('message', resolve)
          worker.once('error', reject)
        }),
    ),
  )
  for (const r of runs) {
    assert.deepEqual(r.kinds, Array.from({ length: 5 }, () => ['cancelled', 'BadContextToken', 'BadContextToken']).flat())
    assert.equal(r.thrown, true)
  }
})

test('configuration errors', () => {
  throwsCode(() => new Requestor({}), 'InvalidArgument')
  throwsCode(() => new Requestor({ to: 'urn:sts', trustVersion: '2006' }), 'InvalidArgument')
  throwsCode(() => new Requestor({ to: 'urn:sts', entropy: 'some' }), 'InvalidArgument')
  throwsCode(() => new Requestor({ to: 'urn:sts', keySize: 100 }), 'InvalidArgument')
  throwsCode(() => new Requestor({ to: 'urn:sts', protect: { suite: 'Basic512' } }), 'InvalidArgument')
  try {
    new Requestor({ to: 'urn:sts', protect: { suite: 'Basic512' } }) // eslint-disable-line no-new
  } catch (e) {
    assert.match(e.message, /config\.protect\.suite/)
  }
  throwsCode(() => new TokenService(new MemoryStore(), { keySizeRange: [128] }), 'InvalidArgument')
  throwsCode(() => new TokenService(new MemoryStore(), { authorize: 'yes' }), 'InvalidArgument')
  const r = new Requestor({ to: 'urn:sts', addressing: null, soapVersion: '1.1' })
  assert.equal(r.addressing, null)
  assert.equal(Envelope.fromXml(r.issue().request.envelope).action, null)
  const fb = new Requestor({ to: 'urn:sts' }).fallbackFeb2005()
  assert.equal(fb.trustVersion, '2005/02')
  assert.equal(fb.addressing, '2004/08')
  throwsCode(() => new wssx.Pending(), 'InvalidArgument')
  throwsCode(() => new wssx.Challenge(), 'InvalidArgument')
})
