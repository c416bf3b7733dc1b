// Message protection: sign / encrypt / signAndEncrypt / verify / VerifyReport / c14n.
// Round trips over SOAP 1.1 and 1.2, both WS-SC versions, every suite, raw and derived
// keys, both token references, both orders and GCM; an independent check of the HMAC and
// digests with xmllint's exclusive c14n and node:crypto; context attribution; tampering
// and signature wrapping; the lookup's exceptions; garbage; c14n against xmllint.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash, createHmac } from 'node:crypto'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { NS, assertWssxError, nsOf, pkgDir, refDerive, rint, rnd, throwsCode, wssx } from './helpers.mjs'

const { SecurityContextToken, VerifyReport, sign, encrypt, signAndEncrypt, verify, c14n } = wssx

const SOAP = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' }
const WSA = 'http://www.w3.org/2005/08/addressing'
const DS = 'http://www.w3.org/2000/09/xmldsig#'
const XENC = 'http://www.w3.org/2001/04/xmlenc#'
const PAYLOAD = '<m:Ping xmlns:m="urn:example:m">hello <b>wörld</b> &amp; &lt;more&gt; "q"</m:Ping>'
const SC_VERSIONS = ['2005/02', '1.3']
const SUITES = {
  Basic128: { sig: `${DS}hmac-sha1`, dig: `${DS}sha1`, enc: `${XENC}aes128-cbc`, gcm: 'http://www.w3.org/2009/xmlenc11#aes128-gcm', sigLen: 16, hash: 'sha1' },
  Basic256: { sig: `${DS}hmac-sha1`, dig: `${DS}sha1`, enc: `${XENC}aes256-cbc`, gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', sigLen: 24, hash: 'sha1' },
  Basic256Sha256: { sig: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256', dig: `${XENC}sha256`, enc: `${XENC}aes256-cbc`, gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', sigLen: 24, hash: 'sha256' },
}

/** A SOAP envelope with two WS-Addressing headers and PAYLOAD as the Body. */
function envelope(soap = '1.1', payload = PAYLOAD) {
  return `<s:Envelope xmlns:s="${SOAP[soap]}"><s:Header><a:To xmlns:a="${WSA}">urn:to</a:To><a:Action xmlns:a="${WSA}">urn:action</a:Action></s:Header><s:Body>${payload}</s:Body></s:Envelope>`
}

/** The content of the (s-prefixed) Body of an envelope. */
function bodyOf(xml) {
  const m = String(xml).match(/<s:Body[^>]*>([\s\S]*)<\/s:Body>/)
  assert.ok(m, 'no s:Body')
  return m[1]
}

/** A lookup that knows `contexts` ({identifier: secret}) and records its calls. */
function recording(contexts) {
  const calls = []
  const fn = (identifier, instance) => {
    calls.push([identifier, instance])
    return contexts[identifier]
  }
  return { fn, calls }
}

function codeOf(fn) {
  try {
    fn()
    return 'ok'
  } catch (e) {
    assertWssxError(e)
    return e.code
  }
}

const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0

/** xmllint's exclusive c14n (always with comments) of the document `xml`. */
function lintC14n(xml) {
  const r = spawnSync('xmllint', ['--exc-c14n', '-'], { input: xml })
  assert.equal(r.status, 0, `xmllint failed: ${r.stderr}`)
  return r.stdout
}

// ---------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------

const MODES = {
  sign: (env, sct, secret, o) => sign(env, sct, secret, o),
  encrypt: (env, sct, secret, o) => encrypt(env, sct, secret, o),
  'sign-then-encrypt': (env, sct, secret, o) => signAndEncrypt(env, sct, secret, { ...o, order: 'sign-then-encrypt' }),
  'encrypt-then-sign': (env, sct, secret, o) => signAndEncrypt(env, sct, secret, { ...o, order: 'encrypt-then-sign' }),
}

test('round trips: SOAP 1.1/1.2 x SC versions x suites x modes x derived/raw keys x references x CBC/GCM', () => {
  let n = 0
  for (const soap of ['1.1', '1.2']) {
    for (const scv of SC_VERSIONS) {
      for (const [suite, alg] of Object.entries(SUITES)) {
        for (const [mode, protect] of Object.entries(MODES)) {
          const signs = mode !== 'encrypt'
          const encrypts = mode !== 'sign'
          for (const derivedKeys of [true, false]) {
            for (const reference of ['id', 'identifier']) {
              for (const gcm of encrypts ? [false, true] : [false]) {
                const label = `${soap} ${scv} ${suite} ${mode} derived=${derivedKeys} ${reference} gcm=${gcm}`
                const sct = SecurityContextToken.generate(scv)
                const secret = rnd(32)
                const out = protect(envelope(soap), sct, secret, { suite, derivedKeys, reference, includeSct: reference === 'id', gcm })
                assert.ok(Buffer.isBuffer(out), label)
                const xml = out.toString('utf8')
                assert.ok(xml.includes(`${nsOf(scv)}/`) && !xml.includes(`${nsOf(SC_VERSIONS.find((v) => v !== scv))}/`), `${label}: WS-SC namespace`)
                assert.equal(xml.includes('DerivedKeyToken'), derivedKeys, `${label}: DKTs`)
                assert.equal(xml.includes('<wsc:SecurityContextToken'), reference === 'id', `${label}: SCT carried`)
                assert.equal(xml.includes('hello'), !encrypts, `${label}: plaintext visible`)
                const { fn, calls } = recording({ [sct.identifier]: secret })
                const r = verify(out, fn)
                n++
                assert.ok(r instanceof VerifyReport, label)
                assert.ok(calls.length >= 1 && calls.every(([id, inst]) => id === sct.identifier && inst === null), label)
                assert.equal(r.bodySigned, signs, `${label}: bodySigned`)
                assert.equal(r.bodyDecrypted, encrypts, `${label}: bodyDecrypted`)
                assert.equal(r.soapVersion, soap, label)
                assert.equal(bodyOf(r.envelope), PAYLOAD, `${label}: Body after verify`)
                const ctx = { identifier: sct.identifier, instance: null }
                if (signs) {
                  assert.deepEqual(r.signed.map((s) => s.part), ['Timestamp', 'Body'], label)
                  for (const s of r.signed) {
                    assert.deepEqual(s.context, ctx, label)
                    assert.equal(s.signatureAlgorithm, alg.sig, label)
                    assert.equal(s.digestAlgorithm, alg.dig, label)
                  }
                  assert.ok(r.isSigned('Timestamp'), label)
                  assert.deepEqual(r.signerOf('Body'), ctx, label)
                } else {
                  assert.deepEqual(r.signed, [], label)
                }
                if (encrypts) {
                  // A raw key's length picks the AES variant: the 32-byte secret is AES-256.
                  const algorithm = derivedKeys ? (gcm ? alg.gcm : alg.enc) : gcm ? SUITES.Basic256.gcm : SUITES.Basic256.enc
                  assert.deepEqual(r.decrypted, [{ part: 'Body', content: true, context: ctx, algorithm }], label)
                } else {
                  assert.deepEqual(r.decrypted, [], label)
                }
                assert.equal(r.tokens.length, reference === 'id' ? 1 : 0, label)
              }
            }
          }
        }
      }
    }
  }
  assert.equal(n, 2 * 2 * 3 * (2 * 2 * (1 + 2 + 2 + 2)))
})

test('the report: timestamp Dates, envelope, tokens, toJSON, isSigned / signerOf', () => {
  const sct = new SecurityContextToken('urn:uuid:4f6a0f3e-0000-4000-8000-000000000001', '1.3')
  sct.instance = 'urn:uuid:instance-7'
  const secret = rnd(32)
  const before = Date.now()
  const out = sign(envelope('1.2'), sct, secret, { signedHeaders: [[WSA, 'To'], [WSA, 'Missing']], timestampTtl: 60 })
  const after = Date.now()
  const { fn, calls } = recording({ [sct.identifier]: secret })
  const r = verify(out, fn)
  assert.deepEqual(calls[0], [sct.identifier, 'urn:uuid:instance-7'], 'the instance reaches the lookup')

  const ts = r.timestamp
  assert.ok(ts.created instanceof Date && ts.expires instanceof Date)
  assert.ok(ts.created.getTime() >= before - 1 && ts.created.getTime() <= after + 1)
  assert.equal(ts.expires.getTime() - ts.created.getTime(), 60_000)

  const parts = r.signed.map((s) => s.part)
  assert.deepEqual(parts, ['Timestamp', `Header {${WSA}}To`, 'Body'], 'an absent signed header is skipped')
  assert.ok(r.isSigned([WSA, 'To']))
  assert.ok(r.isSigned(`Header {${WSA}}To`))
  assert.ok(!r.isSigned([WSA, 'Action']))
  assert.ok(!r.isSigned('Nothing'))
  const ctx = { identifier: sct.identifier, instance: 'urn:uuid:instance-7' }
  assert.deepEqual(r.signerOf([WSA, 'To']), ctx)
  assert.equal(r.signerOf([WSA, 'Action']), null)
  for (const s of r.signed) assert.match(s.id, /^[A-Za-z_][\w.-]*$/)

  const json = r.toJSON()
  assert.deepEqual(JSON.parse(JSON.stringify(r)), json, 'JSON.stringify uses toJSON')
  assert.equal(json.bodySigned, true)
  assert.equal(json.bodyDecrypted, false)
  assert.deepEqual(json.signed.map((s) => s.part), parts, 'part names agree with core JSON')
  assert.deepEqual(json.signed.map((s) => s.context), r.signed.map((s) => s.context))
  assert.equal(new Date(json.timestamp.created).getTime(), ts.created.getTime())
  assert.equal(new Date(json.timestamp.expires).getTime(), ts.expires.getTime())

  assert.ok(Buffer.isBuffer(r.envelope))
  assert.ok(r.envelope.toString().includes('<wsse:Security'), 'the Security header is kept')
  assert.equal(r.tokens.length, 1)
  assert.ok(r.tokens[0] instanceof SecurityContextToken)
  assert.equal(r.tokens[0].identifier, sct.identifier)
  assert.equal(r.tokens[0].instance, 'urn:uuid:instance-7')

  const noTs = verify(sign(envelope(), sct, secret, { timestampTtl: null }), fn)
  assert.equal(noTs.timestamp, null)
  assert.equal(noTs.toJSON().timestamp, null)
  assert.deepEqual(noTs.signed.map((s) => s.part), ['Body'])

  throwsCode(() => new VerifyReport(), 'InvalidArgument')
  for (const bad of [undefined, null, 3, {}, [WSA], [WSA, 'To', 'x'], [1, 'To'], [WSA, '']]) throwsCode(() => r.isSigned(bad), 'InvalidArgument')
})

test('the lookup as a Map, a plain object (own properties only) and a function', () => {
  const sct = SecurityContextToken.generate()
  const secret = rnd(24)
  const out = signAndEncrypt(envelope(), sct, secret)
  assert.ok(verify(out, new Map([[sct.identifier, secret]])).bodySigned)
  assert.ok(verify(out, { [sct.identifier]: new Uint8Array(secret) }).bodySigned)
  assert.ok(verify(out, () => secret).bodySigned)
  class MyMap extends Map {}
  assert.ok(verify(out, new MyMap([[sct.identifier, secret]])).bodySigned)
  // undefined / null / absent: unknown context.
  for (const lookup of [new Map(), {}, () => undefined, () => null, { [sct.identifier]: null }, new Map([[sct.identifier, undefined]])]) {
    throwsCode(() => verify(out, lookup), 'BadContextToken')
  }
  // Inherited properties are not secrets.
  const proto = { [sct.identifier]: secret }
  throwsCode(() => verify(out, Object.create(proto)), 'BadContextToken')
  // A message naming a context "constructor" / "__proto__" (forged by editing the XML: the
  // lookup runs before the signature is checked) finds nothing in a plain object.
  const placeholder = 'urn:placeholder'
  const byIdentifier = sign(envelope(), new SecurityContextToken(placeholder, '1.3'), secret, { reference: 'identifier', includeSct: false }).toString()
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const forged = byIdentifier.replaceAll(placeholder, name)
    const seen = []
    throwsCode(() => verify(forged, (id) => (seen.push(id), undefined)), 'BadContextToken')
    assert.deepEqual(seen, [name], 'the forged identifier reaches the lookup')
    throwsCode(() => verify(forged, {}), 'BadContextToken')
    throwsCode(() => verify(forged, { [name]: rnd(32) }), 'InvalidSignature')
  }
  // A wrong kind of value is InvalidArgument, naming the context.
  for (const v of ['secret', 42, true, {}, [1, 2], new Float64Array(4), Symbol('s')]) {
    try {
      verify(out, () => v)
      assert.fail('accepted')
    } catch (e) {
      assertWssxError(e, 'InvalidArgument')
      assert.ok(e.message.includes(sct.identifier), e.message)
    }
  }
  for (const bad of [undefined, null, 1, 'x', [secret], new Date(), secret, Symbol('x')]) throwsCode(() => verify(out, bad), 'InvalidArgument')
})

test('signedHeaders, encryptedHeaders, label, nonce / key lengths, offset, key length choosing AES', () => {
  const sct = SecurityContextToken.generate('2005/02')
  const secret = rnd(32)
  const lookup = { [sct.identifier]: secret }
  // Encrypted and signed headers.
  const out = signAndEncrypt(envelope(), sct, secret, { signedHeaders: [[WSA, 'Action']], encryptedHeaders: [[WSA, 'To']] })
  const xml = out.toString()
  assert.ok(xml.includes('EncryptedHeader') && !xml.includes('urn:to'), 'the To header is encrypted')
  const r = verify(out, lookup)
  assert.deepEqual(r.decrypted.map((d) => [d.part, d.content]).sort(), [['Body', true], [`Header {${WSA}}To`, false]].sort())
  assert.ok(r.isSigned([WSA, 'Action']))
  assert.ok(r.envelope.toString().includes('urn:to'), 'decrypted header is back')
  // Label, nonce length, key lengths and offset are written in the DKTs and honoured.
  const out2 = signAndEncrypt(envelope(), sct, secret, { label: 'my label é', nonceLength: 32, signatureKeyLength: 32, encryptionKeyLength: 16, offset: 64 })
  const x2 = out2.toString()
  assert.equal((x2.match(/<wsc:Label>my label é<\/wsc:Label>/g) || []).length, 2)
  assert.equal((x2.match(/<wsc:Offset>64<\/wsc:Offset>/g) || []).length, 2)
  for (const m of x2.matchAll(/<wsc:Nonce>([^<]+)<\/wsc:Nonce>/g)) assert.equal(Buffer.from(m[1], 'base64').length, 32)
  const r2 = verify(out2, lookup)
  assert.equal(r2.decrypted[0].algorithm, `${XENC}aes128-cbc`, 'a 16-byte key picks AES-128')
  assert.ok(r2.bodySigned)
  assert.equal(verify(encrypt(envelope(), sct, secret, { encryptionKeyLength: 24 }), lookup).decrypted[0].algorithm, `${XENC}aes192-cbc`)
  // With a raw key, the secret's length picks the variant.
  const short = rnd(16)
  const rawOut = encrypt(envelope(), sct, short, { derivedKeys: false, gcm: true })
  assert.equal(verify(rawOut, { [sct.identifier]: short }).decrypted[0].algorithm, SUITES.Basic128.gcm)
  throwsCode(() => encrypt(envelope(), sct, rnd(20), { derivedKeys: false }), 'InvalidArgument')
  // Suite names are case-insensitive.
  assert.equal(verify(sign(envelope(), sct, secret, { suite: 'basic256sha256' }), lookup).signed[0].digestAlgorithm, SUITES.Basic256Sha256.dig)
  // The SCT's own wsu:Id is used.
  const withId = new SecurityContextToken('urn:uuid:with-id', '1.3')
  withId.id = 'my-sct'
  const x3 = sign(envelope(), withId, secret).toString()
  assert.ok(x3.includes('wsu:Id="my-sct"') && x3.includes('URI="#my-sct"'))
  // referenceInstance: false leaves the Instance out of references.
  const inst = new SecurityContextToken('urn:uuid:inst', '1.3')
  inst.instance = 'urn:i'
  const calls = []
  verify(sign(envelope(), inst, secret, { reference: 'identifier', includeSct: false, referenceInstance: false }), (id, i) => (calls.push(i), secret))
  assert.deepEqual(calls, [null])
})

test('option validation: InvalidArgument naming the option, core limits as LimitExceeded', () => {
  const sct = SecurityContextToken.generate()
  const secret = rnd(32)
  const env = envelope()
  const bad = {
    suite: ['Basic512', 3],
    reference: ['ID', true],
    includeSct: ['yes'],
    referenceInstance: [1],
    derivedKeys: [0],
    label: [5],
    nonceLength: [-1, 1.5, '16'],
    signatureKeyLength: [NaN],
    encryptionKeyLength: [Infinity],
    offset: [-3],
    timestampTtl: ['300', -1, 0.5],
    signedHeaders: ['x', [WSA, 'To'], [[WSA]], [[WSA, 'To', 'x']], [[1, 'To']], [[WSA, '']], [{}]],
    encryptedHeaders: [{}, [['', 3]]],
    gcm: ['true'],
  }
  for (const [key, values] of Object.entries(bad)) {
    for (const v of values) {
      try {
        sign(env, sct, secret, { [key]: v })
        assert.fail(`${key}: ${String(v)} accepted`)
      } catch (e) {
        assertWssxError(e, 'InvalidArgument')
        assert.ok(e.message.includes(`opts.${key}`), e.message)
      }
    }
  }
  throwsCode(() => sign(env, sct, secret, { order: 'sign-then-encrypt' }), 'InvalidArgument')
  throwsCode(() => encrypt(env, sct, secret, { order: 'encrypt-then-sign' }), 'InvalidArgument')
  throwsCode(() => signAndEncrypt(env, sct, secret, { order: 'sideways' }), 'InvalidArgument')
  throwsCode(() => sign(env, sct, secret, { sute: 'Basic128' }), 'InvalidArgument')
  for (const o of [[], new Date(), 'x', 3, secret]) throwsCode(() => sign(env, sct, secret, o), 'InvalidArgument')
  throwsCode(() => sign(env, sct, secret, { reference: 'id', includeSct: false }), 'InvalidArgument')
  throwsCode(() => encrypt(env, sct, secret, { encryptionKeyLength: 20 }), 'InvalidArgument')
  throwsCode(() => encrypt(env, sct, secret, { encryptionKeyLength: 24, gcm: true }), 'InvalidArgument')
  throwsCode(() => sign(env, sct, secret, { signatureKeyLength: 5000 }), 'LimitExceeded')
  throwsCode(() => sign(env, sct, secret, { nonceLength: 200 }), 'LimitExceeded')
  throwsCode(() => sign(env, sct, secret, { label: 'x'.repeat(200) }), 'LimitExceeded')
  throwsCode(() => sign(env, sct, secret, { offset: 100000 }), 'LimitExceeded')
  // undefined and null mean "default", except timestampTtl: null, which means none.
  assert.ok(sign(env, sct, secret, { suite: undefined, label: null, offset: undefined }).toString().includes('Timestamp'))
  assert.ok(sign(env, sct, secret, { timestampTtl: undefined }).toString().includes('Timestamp'))
  assert.ok(!sign(env, sct, secret, { timestampTtl: null }).toString().includes('Timestamp'))
  // Arguments.
  for (const e of [undefined, null, 42, {}, [1]]) throwsCode(() => sign(e, sct, secret), 'InvalidArgument')
  for (const s of [undefined, null, {}, sct.toXml(), sct.identifier]) throwsCode(() => sign(env, s, secret), 'InvalidArgument')
  for (const s of [undefined, null, 'secret', 32, [1, 2]]) throwsCode(() => sign(env, sct, s), 'InvalidArgument')
  // Verify options.
  const out = sign(env, sct, secret)
  const lookup = () => secret
  const vbad = { clockSkew: [-1, 'x'], requireTimestamp: [1], now: ['2026-01-01', -5, 1.5, new Date(NaN), new Date(-1000), {}], minKeyLength: [-1], derive: ['x', { maxNonce: -1 }, { bogus: 1 }] }
  for (const [key, values] of Object.entries(vbad)) {
    for (const v of values) {
      try {
        verify(out, lookup, { [key]: v })
        assert.fail(`${key}: ${String(v)} accepted`)
      } catch (e) {
        assertWssxError(e, 'InvalidArgument')
        assert.ok(e.message.includes(`opts.${key}`), e.message)
      }
    }
  }
  throwsCode(() => verify(out, lookup, { clockskew: 1 }), 'InvalidArgument')
  assert.ok(verify(out, lookup, { clockSkew: 0, requireTimestamp: true, now: new Date(), minKeyLength: 16, derive: { maxNonce: 16 } }).bodySigned)
  throwsCode(() => verify(out, lookup, { minKeyLength: 25 }), 'InvalidSignature')
  throwsCode(() => verify(out, lookup, { derive: { maxNonce: 8 } }), 'LimitExceeded')
  throwsCode(() => verify(sign(env, sct, secret, { timestampTtl: null }), lookup, { requireTimestamp: true }), 'InvalidSecurityToken')
})

// ---------------------------------------------------------------------------------------
// Independent check of what is sent
// ---------------------------------------------------------------------------------------

/** Attributes of the first element matching `re` in `xml`, with its text. */
function element(xml, re) {
  const m = xml.match(re)
  assert.ok(m, `no match for ${re}`)
  return m
}

/** The key the ds:Signature of `xml` uses, computed from `secret` with the reference P_SHA1. */
function signatureKey(xml, secret) {
  const sig = element(xml, /<ds:Signature[\s\S]*<\/ds:Signature>/)[0]
  const ref = element(sig, /<ds:KeyInfo>[\s\S]*?URI="#([^"]+)"/)[1]
  const dkt = element(xml, new RegExp(`<wsc:DerivedKeyToken[^>]*wsu:Id="${ref}"[^>]*>([\\s\\S]*?)</wsc:DerivedKeyToken>`))[1]
  const field = (name) => dkt.match(new RegExp(`<wsc:${name}>([^<]*)</wsc:${name}>`))?.[1]
  const nonce = Buffer.from(field('Nonce'), 'base64')
  return refDerive(secret, field('Label') ?? wssx.DEFAULT_LABEL, nonce, Number(field('Offset') ?? 0), Number(field('Length') ?? 32))
}

test('independent check: HMAC over xmllint --exc-c14n of SignedInfo, digests of Body and Timestamp', (t) => {
  if (!xmllint) return t.skip('xmllint (libxml2-utils) is not installed')
  for (const soap of ['1.1', '1.2']) {
    for (const [suite, alg] of Object.entries(SUITES)) {
      for (const label of [undefined, 'custom']) {
        const sct = SecurityContextToken.generate('2005/02')
        const secret = rnd(32)
        const xml = sign(envelope(soap), sct, secret, { suite, label }).toString()
        const what = `${soap} ${suite} ${label}`
        // SignedInfo, standalone with the ds namespace its ancestor declared.
        const si = element(xml, /<ds:SignedInfo>[\s\S]*?<\/ds:SignedInfo>/)[0].replace('<ds:SignedInfo>', `<ds:SignedInfo xmlns:ds="${DS}">`)
        const key = signatureKey(xml, secret)
        assert.equal(key.length, alg.sigLen, what)
        const mac = createHmac(alg.hash, key).update(lintC14n(si)).digest('base64')
        assert.equal(mac, element(xml, /<ds:SignatureValue>([^<]+)</)[1], `${what}: SignatureValue`)
        // Body and Timestamp, standalone with the prefixes their ancestors declared.
        const digests = new Map([...si.matchAll(/URI="#([^"]+)"[\s\S]*?<ds:DigestValue>([^<]+)</g)].map((m) => [m[1], m[2]]))
        const body = element(xml, /<s:Body[\s\S]*<\/s:Body>/)[0].replace('<s:Body', `<s:Body xmlns:s="${SOAP[soap]}"`)
        const bodyId = element(body, /wsu:Id="([^"]+)"/)[1]
        assert.equal(createHash(alg.hash).update(lintC14n(body)).digest('base64'), digests.get(bodyId), `${what}: Body digest`)
        const ts = element(xml, /<wsu:Timestamp[\s\S]*?<\/wsu:Timestamp>/)[0]
        const tsId = element(ts, /wsu:Id="([^"]+)"/)[1]
        assert.equal(createHash(alg.hash).update(lintC14n(ts)).digest('base64'), digests.get(tsId), `${what}: Timestamp digest`)
        // And c14n by id gives the same bytes as xmllint.
        assert.deepEqual(c14n(xml, { id: bodyId }), lintC14n(body), `${what}: c14n(#Body)`)
        assert.deepEqual(c14n(xml, { id: tsId }), lintC14n(ts), `${what}: c14n(#Timestamp)`)
      }
    }
  }
})

test('raw key: the signature is an HMAC keyed with the context secret itself', (t) => {
  if (!xmllint) return t.skip('xmllint (libxml2-utils) is not installed')
  const sct = SecurityContextToken.generate('1.3')
  const secret = rnd(32)
  const xml = sign(envelope(), sct, secret, { derivedKeys: false, reference: 'identifier' }).toString()
  assert.ok(xml.includes(`URI="${sct.identifier}"`), 'referenced by Identifier')
  const si = element(xml, /<ds:SignedInfo>[\s\S]*?<\/ds:SignedInfo>/)[0].replace('<ds:SignedInfo>', `<ds:SignedInfo xmlns:ds="${DS}">`)
  assert.equal(createHmac('sha1', secret).update(lintC14n(si)).digest('base64'), element(xml, /<ds:SignatureValue>([^<]+)</)[1])
})

// ---------------------------------------------------------------------------------------
// Attribution, tampering, wrapping
// ---------------------------------------------------------------------------------------

test('context attribution: two contexts protect one message, looked up in one Map', () => {
  const a = SecurityContextToken.generate('2005/02')
  const b = SecurityContextToken.generate('1.3')
  b.instance = 'urn:uuid:b-instance'
  const sa = rnd(32)
  const sb = rnd(32)
  const ca = { identifier: a.identifier, instance: null }
  const cb = { identifier: b.identifier, instance: 'urn:uuid:b-instance' }
  const lookup = new Map([[a.identifier, sa], [b.identifier, sb]])
  // A signs the Timestamp, the To header and the Body; B then signs the Body and the
  // Timestamp A added (the Timestamp is always signed when present). Each step goes before
  // the earlier ones in the Security header, so B's is processed first.
  const first = sign(envelope(), a, sa, { signedHeaders: [[WSA, 'To']] })
  const both = sign(first, b, sb, { timestampTtl: null, reference: 'identifier', includeSct: false })
  const r = verify(both, lookup)
  assert.deepEqual(r.signed.map((s) => [s.part, s.context]), [['Timestamp', cb], ['Body', cb], ['Timestamp', ca], [`Header {${WSA}}To`, ca], ['Body', ca]])
  assert.deepEqual(r.signerOf('Timestamp'), cb, 'the first signature covering the Timestamp')
  assert.deepEqual(r.signerOf([WSA, 'To']), ca)
  assert.deepEqual(r.signerOf('Body'), cb, 'the first signature covering the Body')
  assert.deepEqual(r.toJSON().signed.map((s) => s.context), [cb, cb, ca, ca, ca])
  assert.equal(r.tokens.length, 1, 'only A travels as a token')
  // Layered: A signs, then B encrypts (and the other way round).
  const layered = encrypt(sign(envelope(), a, sa), b, sb, { timestampTtl: null, encryptedHeaders: [[WSA, 'Action']] })
  const rl = verify(layered, lookup)
  assert.ok(rl.bodySigned && rl.bodyDecrypted)
  assert.deepEqual(rl.decrypted.map((d) => [d.part, d.context]), [[`Header {${WSA}}Action`, cb], ['Body', cb]])
  assert.deepEqual(rl.signed.map((s) => [s.part, s.context]), [['Timestamp', ca], ['Body', ca]])
  assert.equal(bodyOf(rl.envelope), PAYLOAD)
  const reversed = sign(encrypt(envelope(), a, sa), b, sb, { timestampTtl: null, reference: 'identifier', includeSct: false })
  const rr = verify(reversed, lookup)
  assert.deepEqual(rr.signed.map((s) => [s.part, s.context]), [['Timestamp', cb], ['Body', cb]], 'B signed the ciphertext (and the Timestamp A added)')
  assert.deepEqual(rr.decrypted.map((d) => [d.part, d.context]), [['Body', ca]])
  assert.equal(bodyOf(rr.envelope), PAYLOAD)
  throwsCode(() => verify(layered, new Map([[a.identifier, sa]])), 'BadContextToken')
  // Each context's secret is needed, and only its own works.
  throwsCode(() => verify(both, new Map([[a.identifier, sa]])), 'BadContextToken')
  throwsCode(() => verify(both, new Map([[b.identifier, sb]])), 'BadContextToken')
  throwsCode(() => verify(both, new Map([[a.identifier, sb], [b.identifier, sa]])), 'InvalidSignature')
  throwsCode(() => verify(both, new Map([[a.identifier, sa], [b.identifier, sa]])), 'InvalidSignature')
  // Decryption is attributed too: A encrypts, and the report says so.
  const enc = encrypt(envelope(), a, sa)
  assert.deepEqual(verify(enc, { [a.identifier]: sa, [b.identifier]: sb }).decrypted[0].context, ca)
})

/** Flip one base64 character of the first match of `re` (group 1) in `xml`. */
function flipBase64(xml, re) {
  const m = xml.match(re)
  assert.ok(m, `no match for ${re}`)
  const v = m[1]
  const i = Math.floor(v.length / 3)
  const c = v[i] === 'A' ? 'B' : 'A'
  return xml.replace(v, v.slice(0, i) + c + v.slice(i + 1))
}

test('tampering: body, digest, signature value, wrong secret, unknown context, time', () => {
  for (const [suite] of Object.entries(SUITES)) {
    const sct = SecurityContextToken.generate()
    const secret = rnd(32)
    const xml = sign(envelope(), sct, secret, { suite }).toString()
    const lookup = { [sct.identifier]: secret }
    assert.ok(verify(xml, lookup).bodySigned)
    throwsCode(() => verify(xml.replace('hello', 'hellp'), lookup), 'InvalidSignature')
    throwsCode(() => verify(xml.replace('urn:example:m', 'urn:example:n'), lookup), 'InvalidSignature')
    throwsCode(() => verify(flipBase64(xml, /<ds:DigestValue>([^<]+)</), lookup), 'InvalidSignature')
    throwsCode(() => verify(flipBase64(xml, /<ds:SignatureValue>([^<]+)</), lookup), 'InvalidSignature')
    throwsCode(() => verify(flipBase64(xml, /<wsc:Nonce>([^<]+)</), lookup), 'InvalidSignature')
    // A Timestamp extended by a year: covered by the signature.
    const later = xml.replace(/<wsu:Expires>(\d{4})/, (_, y) => `<wsu:Expires>${Number(y) + 1}`)
    assert.notEqual(later, xml)
    throwsCode(() => verify(later, lookup), 'InvalidSignature')
    throwsCode(() => verify(xml, { [sct.identifier]: rnd(32) }), 'InvalidSignature')
    throwsCode(() => verify(xml, { [sct.identifier]: secret.subarray(0, 16) }), 'InvalidSignature')
    // (Not secret + 0x00, nor secret minus a trailing 0x00: HMAC zero-pads short keys, so
    // P_SHA1 cannot tell those apart from the secret.)
    throwsCode(() => verify(xml, () => undefined), 'BadContextToken')
    throwsCode(() => verify(xml, new Map()), 'BadContextToken')
  }
  // Raw keys and references by Identifier.
  const sct = SecurityContextToken.generate('2005/02')
  const secret = rnd(32)
  const raw = sign(envelope(), sct, secret, { derivedKeys: false, reference: 'identifier', includeSct: false })
  throwsCode(() => verify(raw, { [sct.identifier]: rnd(32) }), 'InvalidSignature')
  throwsCode(() => verify(raw, { 'urn:other': secret }), 'BadContextToken')
  // Encrypted messages with a wrong secret fail to decrypt.
  for (const gcm of [false, true]) {
    const enc = signAndEncrypt(envelope(), sct, secret, { gcm })
    for (let i = 0; i < 20; i++) {
      const c = codeOf(() => verify(enc, () => rnd(32)))
      // GCM authenticates. CBC with xmlenc's ISO 10126 padding can only check the last
      // byte; core reports plaintext that is not XML as Crypto too, and the signature
      // catches garbage that happens to parse (about 1 wrong key in 200 for a tiny Body).
      if (gcm) assert.equal(c, 'Crypto')
      else assert.ok(['Crypto', 'InvalidSignature', 'MalformedXml'].includes(c), c)
    }
    const ct = enc.toString()
    assert.notEqual(codeOf(() => verify(flipBase64(ct, /<xenc:CipherValue>([^<]+)</), () => secret)), 'ok')
  }
  // Time: expired, from the future, clock skew.
  const out = sign(envelope(), sct, secret, { timestampTtl: 60 })
  const lookup = () => secret
  const expires = new Date(element(out.toString(), /<wsu:Expires>([^<]+)</)[1]).getTime()
  const created = new Date(element(out.toString(), /<wsu:Created>([^<]+)</)[1]).getTime()
  throwsCode(() => verify(out, lookup, { now: Date.now() + 3600_000 }), 'ExpiredData')
  throwsCode(() => verify(out, lookup, { now: new Date(Date.now() + 3600_000) }), 'ExpiredData')
  throwsCode(() => verify(out, lookup, { now: expires + 1000, clockSkew: 0 }), 'ExpiredData')
  assert.ok(verify(out, lookup, { now: expires + 200_000, clockSkew: 300 }).bodySigned)
  throwsCode(() => verify(out, lookup, { now: created - 3600_000 }), 'InvalidTimeRange')
  assert.ok(verify(out, lookup, { now: new Date(created) }).bodySigned)
})

test('signature wrapping: the signed Body moved into a header, another Body in its place', () => {
  for (const soap of ['1.1', '1.2']) {
    const sct = SecurityContextToken.generate()
    const secret = rnd(32)
    const lookup = { [sct.identifier]: secret }
    const xml = sign(envelope(soap), sct, secret).toString()
    const body = element(xml, /<s:Body[\s\S]*<\/s:Body>/)[0]
    const bodyId = element(body, /wsu:Id="([^"]+)"/)[1]
    const evil = `<s:Body><m:Transfer xmlns:m="urn:example:m">all the money</m:Transfer></s:Body>`
    const wrapHeader = (el) => xml.replace(body, evil).replace('</s:Header>', `<w:Wrapper xmlns:w="urn:w">${el}</w:Wrapper></s:Header>`)
    // The genuine signed Body inside a header element.
    throwsCode(() => verify(wrapHeader(body), lookup), 'InvalidSignature')
    // ... or directly in the Header, or inside the Security header.
    throwsCode(() => verify(xml.replace(body, evil).replace('</s:Header>', `${body}</s:Header>`), lookup), 'InvalidSignature')
    throwsCode(() => verify(xml.replace(body, evil).replace('</wsse:Security>', `${body}</wsse:Security>`), lookup), 'InvalidSignature')
    // The evil Body claiming the signed Body's ID: duplicate IDs.
    const evilWithId = `<s:Body xmlns:wsu="${NS.wsu}" wsu:Id="${bodyId}"><m:Transfer xmlns:m="urn:example:m">all the money</m:Transfer></s:Body>`
    throwsCode(() => verify(xml.replace(body, evilWithId).replace('</s:Header>', `<w:Wrapper xmlns:w="urn:w">${body}</w:Wrapper></s:Header>`), lookup), 'InvalidSignature')
    // The signed Body's content moved away under a renamed wrapper: the digest no longer matches.
    const renamed = body.replace('<s:Body', '<w:NotBody xmlns:w="urn:w"').replace('</s:Body>', '</w:NotBody>')
    throwsCode(() => verify(wrapHeader(renamed), lookup), 'InvalidSignature')
    // Two Bodies: not an Envelope.
    throwsCode(() => verify(xml.replace('</s:Envelope>', `${evil}</s:Envelope>`), lookup), 'InvalidRequest')
    // Untouched, it verifies.
    assert.ok(verify(xml, lookup).bodySigned)
  }
})

// ---------------------------------------------------------------------------------------
// The lookup's exceptions
// ---------------------------------------------------------------------------------------

test('an exception thrown by the lookup propagates unchanged', () => {
  const sct = SecurityContextToken.generate()
  const secret = rnd(32)
  const out = signAndEncrypt(envelope(), sct, secret)
  class StoreDown extends Error {
    constructor() {
      super('context store unavailable')
      this.code = 'ESTORE'
    }
  }
  const thrownValues = [new StoreDown(), new TypeError('bad'), 42, 'a string', null, undefined, { any: 'object' }, Symbol('s')]
  for (const value of thrownValues) {
    let calls = 0
    let caught = false
    try {
      verify(out, () => {
        calls++
        throw value
      })
    } catch (e) {
      caught = true
      assert.equal(e, value, `the very value thrown (${String(value)})`)
    }
    assert.ok(caught, `nothing thrown for ${String(value)}`)
    assert.equal(calls, 1, 'the lookup is not called again after it threw')
  }
  // The same object, stack included.
  const err = new StoreDown()
  try {
    verify(out, () => {
      throw err
    })
  } catch (e) {
    assert.equal(e, err)
    assert.ok(e instanceof StoreDown)
    assert.equal(e.code, 'ESTORE')
    assert.equal(e.stack, err.stack)
  }
  // A getter of the object lookup, and a Map whose get throws.
  const boom = new Error('getter')
  const obj = Object.defineProperty({}, sct.identifier, { get() { throw boom }, enumerable: true })
  assert.throws(() => verify(out, obj), (e) => e === boom)
  class BadMap extends Map {
    get() {
      throw boom
    }
  }
  assert.throws(() => verify(out, new BadMap()), (e) => e === boom)
  // A throwing lookup that is never needed (the message names no context) is never called.
  // And after all this the addon works as before.
  assert.ok(verify(out, () => secret).bodySigned)
  // A throwing getter in the options propagates too.
  const optBoom = new RangeError('option getter')
  assert.throws(() => verify(out, () => secret, Object.defineProperty({}, 'clockSkew', { get() { throw optBoom }, enumerable: true })), (e) => e === optBoom)
  assert.throws(() => sign(envelope(), sct, secret, Object.defineProperty({}, 'suite', { get() { throw optBoom }, enumerable: true })), (e) => e === optBoom)
  // The lookup may itself call into wssx (re-entrancy).
  const nested = verify(out, (id) => {
    assert.ok(verify(sign(envelope(), sct, secret), () => secret).bodySigned)
    return id === sct.identifier ? secret : null
  })
  assert.ok(nested.bodySigned)
})

test('verify with a callback and a throwing callback inside worker threads', async () => {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads')
    const w = require(workerData.pkgDir)
    const sct = w.SecurityContextToken.generate('2005/02')
    const secret = w.randomBytes(32)
    const env = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><p>x</p></s:Body></s:Envelope>'
    const out = w.signAndEncrypt(env, sct, secret)
    const ok = w.verify(out, (id) => (id === sct.identifier ? secret : null)).bodySigned
    const mine = new Error('mine')
    let same = false
    try { w.verify(out, () => { throw mine }) } catch (e) { same = e === mine }
    parentPort.postMessage({ ok, same })
  `
  const runs = await Promise.all(
    [0, 1].map(
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(src, { eval: true, workerData: { pkgDir } })
          w.once('message', resolve)
          w.once('error', reject)
        }),
    ),
  )
  for (const r of runs) assert.deepEqual(r, { ok: true, same: true })
})

// ---------------------------------------------------------------------------------------
// Garbage
// ---------------------------------------------------------------------------------------

test('garbage never crashes: random input, mutated secured envelopes', () => {
  const sct = SecurityContextToken.generate()
  const secret = rnd(32)
  const lookup = { [sct.identifier]: secret }
  for (let i = 0; i < 300; i++) {
    const junk = rnd(rint(0, 400))
    assert.notEqual(codeOf(() => verify(junk, lookup)), 'ok')
    assert.notEqual(codeOf(() => sign(junk, sct, secret)), 'ok')
    codeOf(() => c14n(junk))
  }
  const seen = new Set()
  for (const mode of ['sign', 'encrypt', 'sign-then-encrypt', 'encrypt-then-sign']) {
    const good = MODES[mode](envelope(), sct, secret, { signedHeaders: [[WSA, 'To']] })
    const sentBody = bodyOf(good)
    for (let i = 0; i < 250; i++) {
      const b = Buffer.from(good)
      for (let k = rint(1, 4); k > 0; k--) b[rint(0, b.length)] = rint(0, 256)
      const c = codeOf(() => {
        const r = verify(b, lookup, { now: Date.now() })
        // A mutation may disable a signature or a ReferenceList (an element renamed is an
        // unknown element), so an accepted message may cover less; but a Body reported
        // signed is the original one (the ciphertext, when encrypt-then-sign's ReferenceList
        // was disabled).
        if (r.bodySigned) assert.equal(bodyOf(r.envelope), r.bodyDecrypted || mode !== 'encrypt-then-sign' ? PAYLOAD : sentBody)
      })
      seen.add(c)
    }
  }
  assert.ok(seen.size > 2, `mutations hit several checks: ${[...seen]}`)
  // Structured garbage: pieces of WS-Security markup.
  const pieces = ['<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">', '<s:Header>', '</s:Header>', '<s:Body>', '</s:Body>', '</s:Envelope>', `<wsse:Security xmlns:wsse="${NS.wsse}">`, '</wsse:Security>', `<ds:Signature xmlns:ds="${DS}">`, '</ds:Signature>', '<ds:SignedInfo>', '</ds:SignedInfo>', '<ds:Reference URI="#b">', '</ds:Reference>', `<xenc:ReferenceList xmlns:xenc="${XENC}"><xenc:DataReference URI="#b"/></xenc:ReferenceList>`, `<wsu:Timestamp xmlns:wsu="${NS.wsu}"><wsu:Expires>1999-01-01T00:00:00Z</wsu:Expires></wsu:Timestamp>`, 'x', ' wsu:Id="b"', '>']
  for (let i = 0; i < 500; i++) {
    let s = ''
    for (let n = rint(0, 30); n > 0; n--) s += pieces[rint(0, pieces.length)]
    codeOf(() => verify(s, lookup))
    codeOf(() => c14n(s, { id: 'b' }))
  }
})

// ---------------------------------------------------------------------------------------
// c14n
// ---------------------------------------------------------------------------------------

const C14N_DOCS = [
  '<a/>',
  '<?xml version="1.0" encoding="UTF-8"?>\n<!-- lead -->\n<r xmlns="urn:d" xmlns:b="urn:b" xmlns:unused="urn:u"><!--c--><b:c  z="2" a="1" b:y="3"/>\n<d attr="&lt;&quot;&#9;&#10;&#13;&gt;" x=\'single\'><![CDATA[x<y&z]]>&#x20AC;&#169;</d></r>\n<?pi  data?>\n<!-- trail -->',
  '<p:root xmlns:p="urn:p" xmlns:q="urn:q" xmlns:r="urn:r"><p:child q:attr="1" xml:lang="en"><r:leaf xmlns:p="urn:p2" p:a="2">text</r:leaf></p:child><q:x xmlns=""/></p:root>',
  '<a xmlns="urn:one"><b xmlns="urn:two"><c xmlns="urn:one"><d xmlns=""><e/></d></c></b></a>',
  '<doc>\r\n  <e1   />\r\n  <e2 b="2" a="1" xmlns:z="urn:z" z:c="3"></e2>\r\n  <e3>&amp;&lt;&gt;"\'</e3>\t<?target ?></doc>',
  envelope('1.2'),
]

test('c14n matches xmllint --exc-c14n', (t) => {
  if (!xmllint) return t.skip('xmllint (libxml2-utils) is not installed')
  const sct = SecurityContextToken.generate()
  const secret = rnd(32)
  const docs = [...C14N_DOCS, sign(envelope(), sct, secret).toString(), signAndEncrypt(envelope('1.2'), sct, secret, { encryptedHeaders: [[WSA, 'To']] }).toString()]
  for (const doc of docs) {
    const want = lintC14n(doc)
    assert.deepEqual(c14n(doc, { withComments: true }), want, `with comments: ${doc.slice(0, 60)}`)
    assert.deepEqual(c14n(Buffer.from(doc), { withComments: true }), want, 'bytes in')
    if (!doc.includes('<!--')) assert.deepEqual(c14n(doc), want, `without comments: ${doc.slice(0, 60)}`)
    else assert.ok(!c14n(doc).toString().includes('<!--'), 'comments dropped by default')
  }
})

test('c14n: by id, InclusiveNamespaces prefixes, errors', () => {
  const doc = `<r xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" xmlns:wsu="${NS.wsu}"><e wsu:Id="e1"><f q:a="1"/><!--c--></e><g xml:id="g1"/><h Id="h1"/><i ID="i1"/></r>`
  assert.equal(c14n(doc, { id: 'e1' }).toString(), `<e xmlns="urn:d" xmlns:wsu="${NS.wsu}" wsu:Id="e1"><f xmlns:q="urn:q" q:a="1"></f></e>`)
  assert.equal(c14n(doc, { id: 'e1', withComments: true }).toString(), `<e xmlns="urn:d" xmlns:wsu="${NS.wsu}" wsu:Id="e1"><f xmlns:q="urn:q" q:a="1"></f><!--c--></e>`)
  assert.equal(c14n(doc, { id: 'e1', prefixes: ['p', '#default'] }).toString(), `<e xmlns="urn:d" xmlns:p="urn:p" xmlns:wsu="${NS.wsu}" wsu:Id="e1"><f xmlns:q="urn:q" q:a="1"></f></e>`)
  assert.equal(c14n(doc, { id: 'g1' }).toString(), '<g xmlns="urn:d" xml:id="g1"></g>')
  assert.equal(c14n(doc, { id: 'h1' }).toString(), '<h xmlns="urn:d" Id="h1"></h>')
  assert.equal(c14n(doc, { id: 'i1' }).toString(), '<i xmlns="urn:d" ID="i1"></i>')
  assert.deepEqual(c14n(doc, { id: undefined, prefixes: [] }), c14n(doc))
  throwsCode(() => c14n(doc, { id: 'nope' }), 'InvalidArgument')
  throwsCode(() => c14n('<a><b Id="x"/><c Id="x"/></a>', { id: 'x' }), 'InvalidSignature')
  throwsCode(() => c14n('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'), 'MalformedXml')
  throwsCode(() => c14n('<a>'), 'MalformedXml')
  for (const o of [{ id: 3 }, { withComments: 'yes' }, { prefixes: 'p' }, { prefixes: [1] }, { prefix: ['p'] }, [], 'x']) throwsCode(() => c14n(doc, o), 'InvalidArgument')
  for (const x of [undefined, null, 1, {}]) throwsCode(() => c14n(x), 'InvalidArgument')
})
