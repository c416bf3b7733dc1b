// The WS-Trust message model: every fixture of core/tests/fixtures/trust parses and writes
// back (compared as re-parsed JSON), Feb 2005 converts to 1.3, messages and envelopes built
// from scratch, faults in both SOAP versions, garbage gives coded errors.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { NS, repo, rnd, throwsCode, wssx } from './helpers.mjs'

const {
  RequestSecurityToken: RST,
  RequestSecurityTokenResponse: RSTR,
  RequestSecurityTokenResponseCollection: RSTRC,
  Envelope,
  Fault,
  SecurityContextToken,
  TrustVersion,
} = wssx

const FIXTURES = join(repo, 'core', 'tests', 'fixtures', 'trust')
const fixtures = ['feb2005', 'sc13', 'peer'].flatMap((d) =>
  readdirSync(join(FIXTURES, d))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => ({ name: `${d}/${f}`, xml: readFileSync(join(FIXTURES, d, f)) })),
)

const TRUST = {
  '2005/02': 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  '1.3': 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  '1.4': 'http://docs.oasis-open.org/ws-sx/ws-trust/200802',
}
const SOAP = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' }
const WSA = { '2004/08': 'http://schemas.xmlsoap.org/ws/2004/08/addressing', '2005/08': 'http://www.w3.org/2005/08/addressing' }
const CLASSES = { RequestSecurityToken: RST, RequestSecurityTokenResponse: RSTR, RequestSecurityTokenResponseCollection: RSTRC }

/** The class of a bare message, by inspect's type. */
const classOf = (xml) => CLASSES[wssx.inspect(xml).type]

test('fixtures: there are many, of every kind', () => {
  assert.ok(fixtures.length >= 55, `${fixtures.length} fixtures`)
  const kinds = new Set(fixtures.map((f) => wssx.inspect(f.xml).type))
  for (const k of ['Envelope', 'RequestSecurityToken', 'RequestSecurityTokenResponse', 'RequestSecurityTokenResponseCollection']) assert.ok(kinds.has(k), k)
})

for (const { name, xml } of fixtures) {
  test(`fixture ${name}: parses and writes back to the same message`, () => {
    const described = wssx.inspect(xml)
    if (described.type === 'Envelope') {
      const env = Envelope.fromXml(xml)
      assert.deepEqual(env.toJSON(), described, 'Envelope#toJSON is inspect')
      const again = Envelope.fromXml(env.toXml())
      assert.deepEqual(again.toJSON(), env.toJSON())
      assert.equal(env.soapVersion, described.soap)
      const fault = env.fault
      if (fault) {
        assert.ok(fault instanceof Fault)
        throwsCode(() => env.message(), fault.kind)
        return
      }
      const m = env.message()
      if (m) {
        assert.ok(Object.values(CLASSES).some((C) => m instanceof C))
        assert.deepEqual(m.toJSON(), described.body[0])
        assert.deepEqual(m.constructor.fromXml(m.toXml()).toJSON(), m.toJSON())
        // The message class also reads the envelope directly.
        assert.deepEqual(m.constructor.fromXml(xml).toJSON(), m.toJSON())
      }
      for (const r of env.issuedTokens) assert.deepEqual(RSTR.fromXml(r.toXml()).toJSON(), r.toJSON())
      return
    }
    const C = classOf(xml)
    assert.ok(C, described.type)
    const m = C.fromXml(xml)
    assert.deepEqual(m.toJSON(), described, 'toJSON is inspect')
    assert.equal(m.version, described.version)
    const back = C.fromXml(m.toXml())
    assert.deepEqual(back.toJSON(), m.toJSON())
    // Bytes and strings read the same.
    assert.deepEqual(C.fromXml(xml.toString('utf8')).toJSON(), m.toJSON())
    // Converting to the other generation and back gives the same message.
    const other = m.version === '2005/02' ? '1.3' : '2005/02'
    const converted = m.convert(other)
    assert.equal(converted.version, other)
    assert.deepEqual(C.fromXml(converted.toXml()).toJSON(), converted.toJSON())
    assert.deepEqual(converted.convert(m.version).toJSON(), m.toJSON())
    if (C !== RSTRC) {
      // toObject / fromObject keep what the getters expose.
      const o = m.toObject()
      const rebuilt = C.fromObject(o)
      assert.deepEqual(rebuilt.toObject(), o)
    }
  })
}

test('typed fields of fixtures', () => {
  const read = (n) => readFileSync(join(FIXTURES, n))
  const rst = RST.fromXml(read('peer/wcf-feb2005-sct-rst.xml'))
  assert.equal(rst.version, TrustVersion.Feb2005)
  assert.equal(rst.requestType, 'Issue')
  assert.equal(rst.tokenType, 'SecurityContextToken')
  assert.equal(rst.keySize, 256)
  assert.equal(rst.entropyType, 'Nonce')
  assert.equal(rst.entropy.length, 32)
  assert.ok(Buffer.isBuffer(rst.entropy))
  assert.match(rst.context, /^uuid-/)

  const rstr = RSTR.fromXml(read('peer/wcf-feb2005-sct-rstr.xml'))
  assert.ok(rstr.requestedToken instanceof SecurityContextToken)
  assert.equal(rstr.requestedToken.version, '2005/02')
  assert.deepEqual(rstr.proof, { kind: 'computedKey', algorithm: 'PSHA1' })
  assert.equal(rstr.computedKeyAlgorithm, null)
  assert.ok(rstr.entropy.length >= 16)
  assert.ok(rstr.lifetime.created instanceof Date && rstr.lifetime.expires instanceof Date)
  assert.ok(rstr.lifetime.expires > rstr.lifetime.created)
  assert.equal(rstr.keySize, 256)
  assert.match(rstr.attachedReference, /^#/)
  assert.equal(rstr.unattachedReference, rstr.requestedToken.identifier)

  const rstrc = RSTRC.fromXml(read('peer/wcf-1.3-sct-rstrc.xml'))
  assert.equal(rstrc.version, '1.3')
  assert.equal(rstrc.responses.length, 1)
  assert.equal(rstrc.responses[0].requestedToken.version, '1.3')

  const cancel = RST.fromXml(read('feb2005/wst-08-cancel-request.xml'))
  assert.equal(cancel.requestType, 'Cancel')
  const target = cancel.cancelTarget
  assert.ok(target !== null)
  const cancelled = Envelope.fromXml(read('feb2005/wst-08-cancel-response.xml')).message()
  assert.ok(cancelled instanceof RSTR)
  assert.equal(cancelled.cancelled, true)

  const status = RSTR.fromXml(read('feb2005/wst-09-validate-status-response.xml'))
  assert.equal(status.tokenType, 'Status')
  assert.equal(status.status.code, 'valid')

  const enc = RSTR.fromXml(read('feb2005/wst-06.2.5-rstr-encrypted-secret.xml'))
  assert.equal(enc.proof.kind, 'encryptedKey')
  assert.match(enc.proof.xml, /^<xenc:EncryptedKey /)
  const clear = RSTR.fromXml(read('feb2005/wst-06.2.6-rstr-unencrypted-secret.xml'))
  assert.equal(clear.proof.kind, 'binarySecret')
  assert.ok(Buffer.isBuffer(clear.proof.secret))

  const two = RSTRC.fromXml(read('feb2005/wst-06.3.2-rstrc-two-proofs.xml'))
  assert.ok(two.responses.length >= 1)

  const actAs = RST.fromXml(read('peer/wif-1.4-actas-rst.xml'))
  assert.equal(actAs.version, '1.4')
  assert.ok(actAs.toXml().toString().includes(TRUST['1.4']), 'ActAs stays in the 1.4 namespace')

  const issued = Envelope.fromXml(read('feb2005/wst-06.4-issued-tokens.xml'))
  assert.equal(issued.message(), null, 'the body is an application message')
  assert.ok(issued.issuedTokens.length >= 1)
  assert.ok(issued.headers.some((h) => h.includes('IssuedTokens')))

  const amend = Envelope.fromXml(read('sc13/wsc-04-amend-request.xml'))
  assert.match(amend.action, /\/RST\/SCT\/Amend$/)
  assert.equal(amend.addressing, '2005/08')
  assert.equal(amend.message().requestType, 'Issue', 'an amend uses the issue request type')
})

test('converting a Feb 2005 message to 1.3 maps every URI and namespace', () => {
  const read = (n) => readFileSync(join(FIXTURES, n))
  for (const n of ['peer/wcf-feb2005-sct-rst.xml', 'feb2005/wst-07-renew-request.xml', 'feb2005/wst-I.2-requestor-entropy.xml', 'feb2005/wst-09-validate-status-request.xml']) {
    const feb = RST.fromXml(read(n))
    const v13 = feb.convert('1.3')
    const xml = v13.toXml().toString()
    assert.ok(!xml.includes(TRUST['2005/02']), `${n}: a Feb 2005 trust URI is left:\n${xml}`)
    assert.ok(!xml.includes(NS.sc2005), `${n}: a Feb 2005 SC URI is left`)
    assert.ok(xml.includes(TRUST['1.3']))
    // The same typed values, only the version differs.
    const { version: _a, ...a } = feb.toJSON()
    const { version: _b, ...b } = v13.toJSON()
    assert.deepEqual(b, a)
    // toXml(version) writes the same without converting the object.
    assert.equal(feb.toXml('1.3').toString(), xml)
    assert.equal(feb.version, '2005/02')
  }
  const rstr = RSTR.fromXml(read('peer/wcf-feb2005-sct-rstr.xml')).convert(TrustVersion.V1_3)
  assert.equal(rstr.requestedToken.version, '1.3', 'the SCT moves to WS-SC 1.3')
  const xml = rstr.toXml().toString()
  assert.ok(xml.includes(`${TRUST['1.3']}/CK/PSHA1`))
  assert.ok(xml.includes(`${NS.sc13}/sct`))
  assert.ok(!xml.includes(NS.sc2005))
  // Aliases of the version names.
  assert.equal(RST.fromXml(read('peer/wcf-feb2005-sct-rst.xml')).convert('200512').version, '1.3')
  throwsCode(() => new RST().convert('2006'), 'InvalidArgument')
  throwsCode(() => new RST().toXml('x'), 'InvalidArgument')
})

test('an RST built from scratch', () => {
  const sct = SecurityContextToken.generate('2005/02')
  sct.instance = 'urn:uuid:inst'
  const entropy = rnd(32)
  const created = new Date(Date.UTC(2024, 0, 1, 12, 0, 0))
  const rst = new RST({ version: '2005/02', context: 'ctx-1', requestType: 'Renew', renewTarget: sct })
  rst.tokenType = 'SecurityContextToken'
  rst.keySize = 256
  rst.keyType = 'SymmetricKey'
  rst.entropy = entropy
  rst.computedKeyAlgorithm = 'PSHA1'
  rst.lifetime = { created, expires: '2024-01-01T13:00:00Z' }
  rst.appliesTo = 'https://rp.example.org/service'
  rst.signatureAlgorithm = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'
  rst.extensions = ['<x:Custom xmlns:x="urn:x">1</x:Custom>']
  const xml = rst.toXml()
  const back = RST.fromXml(xml)
  assert.equal(back.version, '2005/02')
  assert.equal(back.context, 'ctx-1')
  assert.equal(back.requestType, 'Renew')
  assert.ok(back.renewTarget instanceof SecurityContextToken)
  assert.equal(back.renewTarget.identifier, sct.identifier)
  assert.equal(back.renewTarget.instance, 'urn:uuid:inst')
  assert.equal(back.tokenType, 'SecurityContextToken')
  assert.equal(back.keySize, 256)
  assert.equal(back.keyType, 'SymmetricKey')
  assert.deepEqual(back.entropy, entropy)
  assert.equal(back.entropyType, 'Nonce', 'new entropy is a Nonce')
  assert.equal(back.computedKeyAlgorithm, 'PSHA1')
  assert.deepEqual(back.lifetime, { created, expires: new Date('2024-01-01T13:00:00Z') })
  assert.equal(back.appliesTo, 'https://rp.example.org/service')
  assert.equal(back.signatureAlgorithm, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1')
  assert.deepEqual(back.extensions, ['<x:Custom xmlns:x="urn:x">1</x:Custom>'])
  const s = xml.toString()
  assert.ok(s.includes(`${TRUST['2005/02']}/Renew`))
  assert.ok(s.includes('<wsu:Created>2024-01-01T12:00:00Z</wsu:Created>'), 'UTC with Z')
  assert.ok(s.includes(WSA['2004/08']), 'AppliesTo uses WS-Addressing 2004/08 in a Feb 2005 message')
  // Targets by identifier, by {identifier, instance}, by XML; getters give copies.
  rst.cancelTarget = 'urn:uuid:other'
  assert.deepEqual(rst.cancelTarget, { identifier: 'urn:uuid:other', instance: null })
  rst.validateTarget = { identifier: 'urn:uuid:v', instance: 'urn:i' }
  assert.deepEqual(RST.fromXml(rst.toXml()).validateTarget, { identifier: 'urn:uuid:v', instance: 'urn:i' })
  rst.cancelTarget = `<wsse:SecurityTokenReference xmlns:wsse="${NS.wsse}"><wsse:Reference URI="#local"/></wsse:SecurityTokenReference>`
  assert.deepEqual(rst.cancelTarget, { identifier: '#local', instance: null })
  rst.cancelTarget = '<x:Token xmlns:x="urn:x"/>'
  assert.equal(rst.cancelTarget, '<x:Token xmlns:x="urn:x"/>')
  const lt = rst.lifetime
  lt.expires = new Date(0)
  assert.deepEqual(rst.lifetime.expires, new Date('2024-01-01T13:00:00Z'), 'getters give copies')
  // Entropy forms.
  rst.entropyType = 'SymmetricKey'
  assert.equal(rst.entropyType, 'SymmetricKey')
  rst.entropyXml = '<xenc:EncryptedKey xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/>'
  assert.equal(rst.entropy, null)
  assert.match(rst.entropyXml, /EncryptedKey/)
  rst.entropy = null
  assert.match(rst.entropyXml, /EncryptedKey/, 'clearing clear entropy keeps encrypted entropy')
  rst.entropyXml = null
  assert.equal(rst.entropyXml, null)
  throwsCode(() => { rst.entropyType = 'Nonce' }, 'InvalidArgument')
  // Names or URIs; URIs not in the table are kept.
  rst.requestType = `${TRUST['1.3']}/Validate`
  assert.equal(rst.requestType, 'Validate')
  rst.tokenType = 'urn:oasis:names:tc:SAML:2.0:assertion'
  assert.equal(rst.tokenType, 'urn:oasis:names:tc:SAML:2.0:assertion')
  throwsCode(() => { rst.tokenType = 'NoSuchType' }, 'InvalidArgument')
  throwsCode(() => { rst.requestType = null }, 'InvalidArgument')
  throwsCode(() => { rst.lifetime = { created: new Date(1000), expires: new Date(0) } }, 'InvalidTimeRange')
  throwsCode(() => { rst.lifetime = { created: 'yesterday' } }, 'InvalidArgument')
  throwsCode(() => new RST({ keySize: 256, bogus: 1 }), 'InvalidArgument')
  // Defaults.
  const d = new RST()
  assert.equal(d.version, '1.3')
  assert.equal(d.requestType, 'Issue')
  assert.equal(d.context, null)
  assert.match(d.toXml().toString(), /^<wst:RequestSecurityToken xmlns:wst="http:\/\/docs.oasis-open.org\/ws-sx\/ws-trust\/200512"><wst:RequestType>/)
})

test('an RSTR, an RSTRC and envelopes built from scratch', () => {
  const sct = SecurityContextToken.generate('1.3')
  sct.id = 'sct-1'
  const key = rnd(32)
  const rstr = new RSTR({ context: 'c-9', tokenType: 'SecurityContextToken', requestedToken: sct, keySize: 256 })
  rstr.proof = { kind: 'binarySecret', secret: key }
  rstr.attachedReference = '#sct-1'
  rstr.unattachedReference = sct.identifier
  rstr.lifetime = { created: new Date(), expires: new Date(Date.now() + 3600_000) }
  const back = RSTR.fromXml(rstr.toXml())
  assert.equal(back.requestedToken.identifier, sct.identifier)
  assert.deepEqual(back.proof, { kind: 'binarySecret', secret: key })
  assert.equal(back.attachedReference, '#sct-1')
  assert.equal(back.unattachedReference, sct.identifier)
  assert.equal(back.context, 'c-9')
  // Other proof forms, several proofs.
  back.proofs = [{ kind: 'computedKey' }, { kind: 'binarySecret', secret: key, secretType: 'Nonce' }]
  const two = RSTR.fromXml(back.toXml())
  assert.deepEqual(two.proofs, [{ kind: 'computedKey', algorithm: 'PSHA1' }, { kind: 'binarySecret', secret: key, secretType: 'Nonce' }])
  throwsCode(() => { back.proof = { kind: 'magic' } }, 'InvalidArgument')
  throwsCode(() => { back.proof = { kind: 'binarySecret' } }, 'InvalidArgument')
  // Cancel and validation responses.
  const cancelled = new RSTR({ version: '2005/02', cancelled: true })
  assert.match(cancelled.toXml().toString(), /RequestedTokenCancelled/)
  const status = new RSTR({ tokenType: 'Status', status: { code: 'invalid', reason: 'expired' } })
  assert.deepEqual(RSTR.fromXml(status.toXml()).status, { code: 'invalid', reason: 'expired' })
  // A collection.
  const c = new RSTRC([rstr, status])
  const cback = RSTRC.fromXml(c.toXml())
  assert.equal(cback.responses.length, 2)
  assert.equal(cback.responses[1].status.code, 'invalid')
  throwsCode(() => new RSTRC([rstr, {}]), 'InvalidArgument')
  throwsCode(() => RSTRC.fromXml(rstr.toXml()), 'InvalidRequest')
  throwsCode(() => RST.fromXml(rstr.toXml()), 'InvalidRequest')

  for (const soap of ['1.1', '1.2']) {
    for (const wsa of ['2004/08', '2005/08']) {
      const rst = new RST({ tokenType: 'SecurityContextToken' })
      const env = Envelope.wrap(rst, { soapVersion: soap, addressing: wsa, to: 'https://sts.example.org/sc' })
      assert.equal(env.soapVersion, soap)
      assert.equal(env.addressing, wsa)
      assert.equal(env.action, `${TRUST['1.3']}/RST/SCT`, 'the SCT binding action by default')
      assert.match(env.messageId, /^urn:uuid:/)
      assert.equal(env.to, 'https://sts.example.org/sc')
      assert.ok(env.replyTo.includes('anonymous'))
      assert.equal(env.relatesTo, null)
      const xml = env.toXml().toString()
      assert.ok(xml.includes(SOAP[soap]) && xml.includes(WSA[wsa]))
      if (soap === '1.1') {
        assert.equal(env.contentType, 'text/xml; charset=utf-8')
        assert.equal(env.soapAction, `"${env.action}"`)
      } else {
        assert.equal(env.contentType, `application/soap+xml; charset=utf-8; action="${env.action}"`)
        assert.equal(env.soapAction, null)
      }
      const read = Envelope.fromXml(xml)
      assert.deepEqual(read.toJSON(), env.toJSON())
      assert.ok(read.message() instanceof RST)
      // A reply.
      const reply = Envelope.wrap(rstr, { soapVersion: soap, addressing: wsa, relatesTo: read.messageId })
      assert.equal(reply.relatesTo, read.messageId)
      assert.equal(reply.replyTo, null)
      assert.equal(reply.action, `${TRUST['1.3']}/RSTR/SCT`)
      assert.deepEqual(Envelope.fromXml(reply.toXml()).message().toJSON(), rstr.toJSON())
    }
  }
  // Feb 2005 messages default to WS-Addressing 2004/08; null means no addressing headers.
  assert.equal(Envelope.wrap(new RST({ version: '2005/02' })).addressing, '2004/08')
  const bare = Envelope.wrap(new RST(), { addressing: null })
  assert.equal(bare.addressing, null)
  assert.equal(bare.action, null)
  // Actions by name, in the message's version; a collection gets RSTRC/IssueFinal.
  assert.equal(Envelope.wrap(new RST({ version: '2005/02' }), { action: 'RST/SCT/Cancel' }).action, `${TRUST['2005/02']}/RST/SCT/Cancel`)
  assert.equal(Envelope.wrap(c).action, `${TRUST['1.3']}/RSTRC/IssueFinal`)
  assert.equal(Envelope.wrap(cancelled).action, `${TRUST['2005/02']}/RSTR/Cancel`)
  assert.equal(Envelope.wrap('<m:Ping xmlns:m="urn:app"/>', { action: 'urn:app:ping' }).body, '<m:Ping xmlns:m="urn:app"/>')
  throwsCode(() => Envelope.wrap('<m:Ping xmlns:m="urn:app"/>'), 'InvalidArgument')
  throwsCode(() => Envelope.wrap(rst13(), { action: 'NotAnAction' }), 'InvalidArgument')
  throwsCode(() => Envelope.wrap(rst13(), { soapVersion: '1.3' }), 'InvalidArgument')
  // Building an envelope by hand.
  const e = new Envelope('1.1')
  e.action = 'urn:a'
  e.to = 'urn:to'
  e.body = '<p:Payload xmlns:p="urn:p"/>'
  e.headers = ['<h:H xmlns:h="urn:h">1</h:H>']
  const eback = Envelope.fromXml(e.toXml())
  assert.equal(eback.action, 'urn:a')
  assert.equal(eback.to, 'urn:to')
  assert.equal(eback.addressing, '2005/08')
  assert.deepEqual(eback.headers, ['<h:H xmlns:h="urn:h">1</h:H>'])
  eback.soapVersion = '1.2'
  eback.addressing = '2004/08'
  const e2 = Envelope.fromXml(eback.toXml())
  assert.equal(e2.soapVersion, '1.2')
  assert.equal(e2.addressing, '2004/08')
  assert.equal(e2.action, 'urn:a')
  e2.action = null
  e2.addressing = null
  assert.equal(Envelope.fromXml(e2.toXml()).action, null)
})

function rst13() {
  return new RST()
}

const TRUST_FAULTS = ['InvalidRequest', 'FailedAuthentication', 'RequestFailed', 'InvalidSecurityToken', 'AuthenticationBadElements', 'BadRequest', 'ExpiredData', 'InvalidTimeRange', 'InvalidScope']
const SC_FAULTS = ['BadContextToken', 'UnsupportedContextToken', 'UnknownDerivationSource', 'RenewNeeded', 'UnableToRenew']

test('faults: every spec code, both SOAP versions, both trust generations', () => {
  for (const tv of ['2005/02', '1.3']) {
    const sc = tv === '2005/02' ? NS.sc2005 : NS.sc13
    for (const code of [...TRUST_FAULTS, ...SC_FAULTS]) {
      const f = new Fault(code, tv)
      assert.equal(f.kind, code)
      assert.equal(f.code, 'Sender')
      const ns = SC_FAULTS.includes(code) ? sc : TRUST[tv]
      assert.equal(f.subcode, `{${ns}}${code}`)
      assert.ok(f.reason.length > 0)
      for (const soap of ['1.1', '1.2']) {
        const xml = f.toXml(soap).toString()
        assert.ok(xml.includes(SOAP[soap]))
        if (soap === '1.1') assert.match(xml, /<faultcode [^>]*>ws[tc]:\w+<\/faultcode>/)
        else assert.match(xml, /<s:Subcode><s:Value [^>]*>ws[tc]:\w+<\/s:Value><\/s:Subcode>/)
        const back = Fault.fromXml(xml)
        assert.equal(back.kind, code)
        assert.equal(back.subcode, f.subcode)
        assert.equal(back.reason, f.reason)
        // As a whole message, and as a response a message class reads.
        const env = f.toEnvelope(soap)
        assert.equal(env.soapVersion, soap)
        assert.equal(Fault.fromXml(env.toXml()).kind, code)
        throwsCode(() => RSTR.fromXml(env.toXml()), code)
        throwsCode(() => Envelope.fromXml(env.toXml()).message(), code)
        const err = Fault.fromXml(env.toXml()).toError()
        assert.ok(err instanceof Error)
        assert.equal(err.code, code)
        assert.equal(err.message, `${code}: Fault: ${f.reason}`)
      }
    }
  }
  // From an Error this module threw; library codes map to spec faults.
  try {
    RST.fromXml('<a')
  } catch (e) {
    const f = Fault.fromError(e, '2005/02')
    assert.equal(f.kind, 'InvalidRequest')
    assert.equal(f.subcode, `{${TRUST['2005/02']}}InvalidRequest`)
    assert.ok(!f.reason.includes('<a'), 'the error detail is not sent')
  }
  assert.equal(new Fault('InvalidSignature').kind, 'FailedAuthentication')
  throwsCode(() => new Fault('NoSuchCode'), 'InvalidArgument')
  throwsCode(() => new Fault({}), 'InvalidArgument')
  // Fields.
  const f = new Fault('BadContextToken', '1.3')
  f.reason = 'gone'
  f.lang = 'de'
  f.role = 'urn:role'
  f.detail = ['<d:Why xmlns:d="urn:d">because</d:Why>']
  for (const soap of ['1.1', '1.2']) {
    const back = Fault.fromXml(f.toXml(soap))
    assert.equal(back.reason, 'gone')
    assert.equal(back.lang, 'de')
    assert.equal(back.role, 'urn:role')
    assert.deepEqual(back.detail, ['<d:Why xmlns:d="urn:d">because</d:Why>'])
  }
  // Addressing on a fault envelope: the fault action of the WS-Addressing version.
  const fe = Envelope.wrap(f, { relatesTo: 'urn:uuid:req' })
  assert.equal(fe.action, `${WSA['2005/08']}/soap/fault`)
  assert.equal(fe.fault.kind, 'BadContextToken')
  // The fixtures of WS-SC section 9.
  for (const soap of ['11', '12']) {
    const xml = readFileSync(join(FIXTURES, 'sc13', `wsc-09-fault-soap${soap}.xml`))
    const fx = Fault.fromXml(xml)
    assert.ok(SC_FAULTS.includes(fx.kind), fx.kind)
    assert.deepEqual(Fault.fromXml(fx.toXml(soap === '11' ? '1.1' : '1.2')).toJSON(), fx.toJSON())
  }
  throwsCode(() => Fault.fromXml(Envelope.wrap(rst13()).toXml()), 'InvalidRequest')
})

test('garbage and malformed messages give coded errors with the path', () => {
  for (let i = 0; i < 200; i++) {
    const junk = rnd(i % 97)
    for (const parse of [RST.fromXml, RSTR.fromXml, RSTRC.fromXml, Envelope.fromXml, Fault.fromXml, wssx.inspect]) {
      throwsCode(() => parse(junk))
    }
  }
  const T = TRUST['1.3']
  const rst = (inner) => `<t:RequestSecurityToken xmlns:t="${T}">${inner}</t:RequestSecurityToken>`
  const issue = `<t:RequestType>${T}/Issue</t:RequestType>`
  throwsCode(() => RST.fromXml(rst('')), 'InvalidRequest')
  try {
    RST.fromXml(rst(`${issue}<t:Entropy><t:BinarySecret>!!!</t:BinarySecret></t:Entropy>`))
    assert.fail('bad base64 accepted')
  } catch (e) {
    assert.equal(e.code, 'InvalidRequest')
    assert.match(e.message, /t:RequestSecurityToken\/t:Entropy\/t:BinarySecret/, e.message)
  }
  const lt = (c, x) => `<t:Lifetime xmlns:u="${NS.wsu}"><u:Created>${c}</u:Created><u:Expires>${x}</u:Expires></t:Lifetime>`
  throwsCode(() => RST.fromXml(rst(issue + lt('2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z'))), 'InvalidTimeRange')
  throwsCode(() => RST.fromXml(rst(issue + lt('yesterday', '2024-01-01T00:00:00Z'))))
  throwsCode(() => RST.fromXml(rst(`${issue}<t:KeySize>many</t:KeySize>`)), 'InvalidRequest')
  throwsCode(() => RST.fromXml(rst(issue + issue)), 'InvalidRequest')
  throwsCode(() => RST.fromXml(`<t:RequestSecurityToken xmlns:t="urn:wrong">${issue}</t:RequestSecurityToken>`), 'InvalidRequest')
  throwsCode(() => RST.fromXml('<a/>'), 'InvalidRequest')
  throwsCode(() => RST.fromXml('<a'), 'MalformedXml')
  throwsCode(() => Envelope.fromXml('<s:Envelope xmlns:s="urn:not-soap"><s:Body/></s:Envelope>'), 'InvalidRequest')
  throwsCode(() => Envelope.fromXml(`<s:Envelope xmlns:s="${SOAP['1.1']}"/>`), 'InvalidRequest')
  throwsCode(() => RST.fromXml(`<!DOCTYPE x [<!ENTITY a "b">]>${rst(issue)}`), 'MalformedXml')
  let deep = rst(issue)
  for (let i = 0; i < 300; i++) deep = `<x:a xmlns:x="urn:x">${deep}</x:a>`
  throwsCode(() => wssx.inspect(deep), 'LimitExceeded')
  throwsCode(() => RST.fromXml(12), 'InvalidArgument')
  throwsCode(() => RST.fromXml(null), 'InvalidArgument')
})

test('inspect describes envelopes and trust messages as the classes do', () => {
  const rst = new RST({ version: '2005/02', keySize: 128, entropy: rnd(16) })
  assert.deepEqual(wssx.inspect(rst.toXml()), rst.toJSON())
  const j = wssx.inspect(rst.toXml())
  assert.equal(j.type, 'RequestSecurityToken')
  assert.deepEqual(j.entropy, { type: 'BinarySecret', secretType: 'Nonce', length: 16 }, 'secrets never appear')
  const env = Envelope.wrap(rst, { to: 'urn:sts' })
  const ej = wssx.inspect(env.toXml())
  assert.equal(ej.type, 'Envelope')
  assert.equal(ej.body[0].type, 'RequestSecurityToken')
  assert.deepEqual(ej, env.toJSON())
  assert.deepEqual(JSON.parse(JSON.stringify(env)), ej, 'JSON.stringify uses toJSON')
  const fj = wssx.inspect(new Fault('RenewNeeded').toEnvelope().toXml())
  assert.equal(fj.body[0].type, 'Fault')
  assert.equal(fj.body[0].kind, 'RenewNeeded')
})
