// SecurityContextToken / DerivedKeyToken: round trips in both namespaces, WCF's shapes,
// Generation, forContext, options, getters and setters, inspect and toJSON.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NS, nsOf, refDerive, rnd, throwsCode, wssx } from './helpers.mjs'

const { SecurityContextToken, DerivedKeyToken, ScVersion } = wssx
const VERSIONS = ['2005/02', '1.3']

const sctXml = (v, inner, attrs = '') =>
  `<wsc:SecurityContextToken xmlns:wsc="${nsOf(v)}" xmlns:wsu="${NS.wsu}"${attrs}>${inner}</wsc:SecurityContextToken>`
const dktXml = (v, inner, attrs = '') =>
  `<wsc:DerivedKeyToken xmlns:wsc="${nsOf(v)}" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}"${attrs}>${inner}</wsc:DerivedKeyToken>`

// What WCF's wsHttpBinding sends (Feb 2005): wsu:Id, Identifier, Instance after a renewal,
// and its cookie extension.
const WCF_SCT = `<c:SecurityContextToken u:Id="uuid-8e4ef0d1-0e7b-4b1b-a2b6-1e7cbd5ff1b5-3" xmlns:c="${NS.sc2005}" xmlns:u="${NS.wsu}"><c:Identifier>urn:uuid:34a4b7b1-4d1e-4e2e-9c8b-6b0d6b7e3a11</c:Identifier><c:Instance>urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100</c:Instance><dnse:Cookie xmlns:dnse="http://schemas.microsoft.com/ws/2006/05/security">AQAAANCMnd8BFdERjHoAwE/Cl+s=</dnse:Cookie></c:SecurityContextToken>`

test('ScVersion values', () => {
  assert.equal(ScVersion.Feb2005, '2005/02')
  assert.equal(ScVersion.V1_3, '1.3')
  assert.deepEqual(Object.values(ScVersion).sort(), ['1.3', '2005/02'])
})

for (const v of VERSIONS) {
  test(`SecurityContextToken round trip (${v})`, () => {
    const t = new SecurityContextToken('urn:uuid:11111111-2222-4333-8444-555555555555', v)
    assert.equal(t.version, v)
    assert.equal(t.identifier, 'urn:uuid:11111111-2222-4333-8444-555555555555')
    assert.equal(t.instance, null)
    assert.equal(t.id, null)
    t.instance = 'urn:uuid:instance-2'
    t.id = 'sct-1'
    const xml = t.toXml()
    assert.ok(Buffer.isBuffer(xml))
    const s = xml.toString('utf8')
    assert.ok(s.includes(`xmlns:wsc="${nsOf(v)}"`), s)
    assert.ok(s.includes('<wsc:Identifier>urn:uuid:11111111-2222-4333-8444-555555555555</wsc:Identifier>'), s)
    assert.ok(s.includes('<wsc:Instance>urn:uuid:instance-2</wsc:Instance>'), s)
    assert.ok(s.includes('wsu:Id="sct-1"'), s)
    for (const input of [xml, s, new Uint8Array(xml)]) {
      const back = SecurityContextToken.fromXml(input)
      assert.equal(back.version, v)
      assert.deepEqual(back.toJSON(), t.toJSON())
      assert.deepEqual(back.toXml(), xml)
    }
  })

  test(`SecurityContextToken.fromXml of a hand-written token (${v})`, () => {
    const x = sctXml(v, '<wsc:Identifier> urn:a:b </wsc:Identifier><x:Ext xmlns:x="urn:ext" a="1">keep<x:deep/></x:Ext>', ' wsu:Id="S1"')
    const t = SecurityContextToken.fromXml(x)
    assert.equal(t.identifier, 'urn:a:b')
    assert.equal(t.id, 'S1')
    const j = t.toJSON()
    assert.equal(j.type, 'SecurityContextToken')
    assert.equal(j.version, v)
    assert.equal(j.extensions.length, 1)
    assert.ok(t.toXml().toString().includes('<x:Ext xmlns:x="urn:ext" a="1">keep<x:deep/></x:Ext>'))
  })
}

test('a WCF-style Feb 2005 SCT with wsc:Instance and a cookie round-trips', () => {
  const t = SecurityContextToken.fromXml(WCF_SCT)
  assert.equal(t.version, ScVersion.Feb2005)
  assert.equal(t.identifier, 'urn:uuid:34a4b7b1-4d1e-4e2e-9c8b-6b0d6b7e3a11')
  assert.equal(t.instance, 'urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100')
  assert.equal(t.id, 'uuid-8e4ef0d1-0e7b-4b1b-a2b6-1e7cbd5ff1b5-3')
  const again = SecurityContextToken.fromXml(t.toXml())
  assert.deepEqual(again.toJSON(), t.toJSON())
  assert.ok(t.toXml().toString().includes('AQAAANCMnd8BFdERjHoAwE/Cl+s=</dnse:Cookie>'))
  // WCF also writes Instance in the Feb 2005 namespace under a 1.3 token; core accepts either.
  const mixed = sctXml('1.3', `<wsc:Identifier>urn:x</wsc:Identifier><o:Instance xmlns:o="${NS.sc2005}">urn:i</o:Instance>`)
  assert.equal(SecurityContextToken.fromXml(mixed).instance, 'urn:i')
})

test('SecurityContextToken: defaults, generate, setters', () => {
  assert.equal(new SecurityContextToken('urn:x').version, '1.3')
  assert.equal(new SecurityContextToken('urn:x', undefined).version, '1.3')
  assert.equal(new SecurityContextToken('urn:x', ScVersion.Feb2005).version, '2005/02')
  assert.equal(new SecurityContextToken('urn:x', 'feb2005').version, '2005/02') // core's aliases
  const a = SecurityContextToken.generate()
  const b = SecurityContextToken.generate('2005/02')
  assert.match(a.identifier, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.notEqual(a.identifier, b.identifier)
  assert.equal(a.version, '1.3')
  assert.equal(b.version, '2005/02')
  a.instance = 'urn:i'
  assert.equal(a.instance, 'urn:i')
  a.instance = null
  assert.equal(a.instance, null)
  a.instance = 'urn:i'
  a.instance = undefined
  assert.equal(a.instance, null)
  a.id = 'x1'
  assert.equal(a.id, 'x1')
  a.id = null
  assert.equal(a.id, null)
  assert.ok(!a.toXml().toString().includes('Instance'))
  assert.throws(() => {
    a.identifier = 'urn:other' // read-only
  }, TypeError)
  throwsCode(() => {
    a.instance = 42
  }, 'InvalidArgument')
  throwsCode(() => {
    a.id = {}
  }, 'InvalidArgument')
  throwsCode(() => new SecurityContextToken('not a uri'), 'InvalidArgument')
  throwsCode(() => new SecurityContextToken('urn:x', '2099'), 'InvalidArgument')
  throwsCode(() => SecurityContextToken.generate('nope'), 'InvalidArgument')
})

test('SecurityContextToken.fromXml errors are typed', () => {
  throwsCode(() => SecurityContextToken.fromXml(sctXml('1.3', '')), 'BadContextToken')
  throwsCode(() => SecurityContextToken.fromXml('<wsc:SecurityContextToken xmlns:wsc="urn:wrong"><wsc:Identifier>urn:a</wsc:Identifier></wsc:SecurityContextToken>'), 'BadContextToken')
  throwsCode(() => SecurityContextToken.fromXml(sctXml('1.3', '<wsc:Identifier>not a uri</wsc:Identifier>')), 'BadContextToken')
  throwsCode(() => SecurityContextToken.fromXml(sctXml('1.3', '<wsc:Identifier>urn:a</wsc:Identifier><wsc:Identifier>urn:b</wsc:Identifier>')), 'InvalidSecurityToken')
  throwsCode(() => SecurityContextToken.fromXml(dktXml('1.3', '')), 'BadContextToken')
  try {
    SecurityContextToken.fromXml(sctXml('2005/02', ''))
  } catch (e) {
    assert.match(e.message, /^BadContextToken: wsc:SecurityContextToken: /)
  }
})

// --- DerivedKeyToken ------------------------------------------------------------------

test('a WCF-style DKT (nonce only) derives P_SHA1(secret, default label + nonce)[0..32]', () => {
  const nonce = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
  const x = dktXml(
    '2005/02',
    `<wsse:SecurityTokenReference><wsse:Reference URI="#uuid-ctx" ValueType="${NS.sc2005}/sct"/></wsse:SecurityTokenReference><wsc:Nonce>${nonce.toString('base64')}</wsc:Nonce>`,
    ' wsu:Id="_0"',
  )
  const d = DerivedKeyToken.fromXml(x)
  assert.equal(d.version, '2005/02')
  assert.equal(d.id, '_0')
  assert.deepEqual(d.nonce, nonce)
  assert.equal(d.label, null)
  assert.equal(d.offset, null)
  assert.equal(d.length, null)
  assert.equal(d.generation, null)
  assert.equal(d.algorithm, null)
  assert.equal(d.referenceUri, '#uuid-ctx')
  assert.equal(d.referenceValueType, `${NS.sc2005}/sct`)
  assert.equal(d.referenceInstance, null)
  assert.equal(d.properties, null)
  const secret = rnd(32)
  assert.deepEqual(d.derive(secret), refDerive(secret, wssx.DEFAULT_LABEL, nonce, 0, 32))
  assert.deepEqual(DerivedKeyToken.fromXml(d.toXml()).toJSON(), d.toJSON())
})

for (const v of VERSIONS) {
  test(`DerivedKeyToken round trip with every field (${v})`, () => {
    const nonce = rnd(16)
    const x = dktXml(
      v,
      `<wsse:SecurityTokenReference><wsse:Reference URI="urn:uuid:ctx" ValueType="${nsOf(v)}/sct" wsc:Instance="urn:inst"/></wsse:SecurityTokenReference>` +
        `<wsc:Properties><wsc:Name>urn:dk:name</wsc:Name><wsc:Label>PropLabel</wsc:Label><wsc:Nonce>AAECAw==</wsc:Nonce></wsc:Properties>` +
        `<wsc:Offset>40</wsc:Offset><wsc:Length>24</wsc:Length><wsc:Label>Custom label</wsc:Label><wsc:Nonce>${nonce.toString('base64')}</wsc:Nonce>` +
        `<x:Ext xmlns:x="urn:ext">kept</x:Ext>`,
      ` wsu:Id="dk-1" Algorithm="${nsOf(v)}/dk/p_sha1"`,
    )
    const d = DerivedKeyToken.fromXml(Buffer.from(x))
    assert.equal(d.version, v)
    assert.equal(d.id, 'dk-1')
    assert.equal(d.algorithm, `${nsOf(v)}/dk/p_sha1`)
    assert.equal(d.offset, 40)
    assert.equal(d.length, 24)
    assert.equal(d.label, 'Custom label')
    assert.deepEqual(d.nonce, nonce)
    assert.equal(d.referenceUri, 'urn:uuid:ctx')
    assert.equal(d.referenceInstance, 'urn:inst')
    assert.deepEqual(d.properties, { name: 'urn:dk:name', label: 'PropLabel', nonce: Buffer.from([0, 1, 2, 3]) })
    const j = d.toJSON()
    assert.equal(j.type, 'DerivedKeyToken')
    assert.equal(j.version, v)
    assert.equal(j.nonce, nonce.toString('base64'))
    assert.deepEqual(j.reference, { uri: 'urn:uuid:ctx', valueType: `${nsOf(v)}/sct`, instance: 'urn:inst' })
    assert.deepEqual(j.properties, { name: 'urn:dk:name', label: 'PropLabel', nonce: 'AAECAw==' })
    const back = DerivedKeyToken.fromXml(d.toXml())
    assert.deepEqual(back.toJSON(), j)
    assert.deepEqual(back.toXml(), d.toXml())
    assert.ok(d.toXml().toString().includes('<x:Ext xmlns:x="urn:ext">kept</x:Ext>'))
    const secret = rnd(20)
    assert.deepEqual(d.derive(secret), refDerive(secret, 'Custom label', nonce, 40, 24))
  })
}

test('Generation: the key is taken at generation x length', () => {
  const sct = SecurityContextToken.generate()
  const d = DerivedKeyToken.forContext(sct, { length: 24, by: 'identifier' })
  const secret = rnd(32)
  const nonce = d.nonce
  for (const g of [0, 1, 2, 7, 170]) {
    d.generation = g
    assert.equal(d.generation, g)
    assert.deepEqual(d.derive(secret), refDerive(secret, wssx.DEFAULT_LABEL, nonce, g * 24, 24), `generation ${g}`)
    // ... and survives the round trip.
    assert.deepEqual(DerivedKeyToken.fromXml(d.toXml()).derive(secret), d.derive(secret))
  }
  // Without Length the receiver's default length applies to the multiplication too.
  d.length = null
  d.generation = 3
  assert.deepEqual(d.derive(secret), refDerive(secret, wssx.DEFAULT_LABEL, nonce, 96, 32))
  assert.deepEqual(d.derive(secret, { length: 16 }), refDerive(secret, wssx.DEFAULT_LABEL, nonce, 48, 16))
  // Generation 0 is not "absent".
  d.generation = 0
  assert.ok(d.toXml().toString().includes('<wsc:Generation>0</wsc:Generation>'))
  // null clears.
  d.generation = null
  assert.equal(d.generation, null)
  assert.ok(!d.toXml().toString().includes('Generation'))
  // Generation and Offset together are refused, when deriving and when parsing.
  d.generation = 1
  d.offset = 32
  throwsCode(() => d.derive(secret), 'InvalidSecurityToken')
  throwsCode(() => DerivedKeyToken.fromXml(d.toXml()), 'InvalidSecurityToken')
  d.offset = null
  assert.equal(d.derive(secret).length, 32)
  // Past the offset limit: generation x length > 4096.
  d.length = 32
  d.generation = 129
  throwsCode(() => d.derive(secret), 'LimitExceeded')
  assert.equal(d.derive(secret, { maxOffset: 129 * 32 }).length, 32)
})

test('DerivedKeyToken.forContext', () => {
  for (const v of VERSIONS) {
    const sct = SecurityContextToken.generate(v)
    sct.id = 'uuid-sct-1'
    sct.instance = 'urn:uuid:inst-1'
    // Default: by wsu:Id, as WCF references the SCT carried in the same message.
    const d = DerivedKeyToken.forContext(sct)
    assert.equal(d.version, v)
    assert.equal(d.nonce.length, wssx.DEFAULT_NONCE_LENGTH)
    assert.equal(d.nonce.length, 16)
    assert.equal(d.length, null) // 32 is left implicit, like WCF
    assert.equal(d.offset, null)
    assert.equal(d.label, null)
    assert.equal(d.generation, null)
    assert.equal(d.referenceUri, '#uuid-sct-1')
    assert.equal(d.referenceValueType, `${nsOf(v)}/sct`)
    assert.equal(d.referenceInstance, null)
    const s = d.toXml().toString()
    assert.ok(s.includes(`xmlns:wsc="${nsOf(v)}"`), s)
    const secret = rnd(32)
    assert.deepEqual(d.derive(secret), refDerive(secret, wssx.DEFAULT_LABEL, d.nonce, 0, 32))
    assert.deepEqual(DerivedKeyToken.fromXml(d.toXml()).derive(secret), d.derive(secret))
    // Fresh nonce every time.
    assert.notDeepEqual(DerivedKeyToken.forContext(sct).nonce, d.nonce)
    // By Identifier, with the SCT's Instance.
    const byIdent = DerivedKeyToken.forContext(sct, { by: 'identifier', length: 24 })
    assert.equal(byIdent.referenceUri, sct.identifier)
    assert.equal(byIdent.referenceInstance, 'urn:uuid:inst-1')
    assert.equal(byIdent.referenceValueType, `${nsOf(v)}/sct`)
    assert.equal(byIdent.length, 24)
    assert.deepEqual(byIdent.derive(secret), refDerive(secret, wssx.DEFAULT_LABEL, byIdent.nonce, 0, 24))
    const again = DerivedKeyToken.fromXml(byIdent.toXml())
    assert.equal(again.referenceInstance, 'urn:uuid:inst-1')
    assert.deepEqual(again.derive(secret), byIdent.derive(secret))
  }
  const sct = SecurityContextToken.generate('2005/02')
  throwsCode(() => DerivedKeyToken.forContext(sct), 'InvalidArgument') // no wsu:Id to reference
  throwsCode(() => DerivedKeyToken.forContext(sct, { by: 'id' }), 'InvalidArgument')
  sct.id = 'uuid-sct-1'
  // The DKT's namespace can differ from the SCT's; the reference still names the SCT's type.
  const v13 = DerivedKeyToken.forContext(sct, { by: 'id', length: 32, version: '1.3' })
  assert.equal(v13.version, '1.3')
  assert.equal(v13.referenceUri, '#uuid-sct-1')
  assert.equal(v13.referenceValueType, `${NS.sc2005}/sct`)
  assert.equal(v13.length, null)
  throwsCode(() => DerivedKeyToken.forContext(sct, { by: 'name' }), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext(sct, { length: -1 }), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext(sct, { length: 0 }), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext(sct, { version: 'x' }), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext(sct, { lenght: 24 }), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext(sct, 'id'), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext(v13), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext({ identifier: 'urn:x', version: '1.3', id: 'x' }), 'InvalidArgument')
  throwsCode(() => DerivedKeyToken.forContext(Object.create(SecurityContextToken.prototype)), 'InvalidArgument')
  throwsCode(() => new DerivedKeyToken(), 'InvalidArgument')
})

test('DerivedKeyToken setters and null clearing', () => {
  const d = DerivedKeyToken.forContext(SecurityContextToken.generate(), { by: 'identifier' })
  d.id = 'k1'
  d.label = 'L'
  d.offset = 64
  d.length = 16
  d.nonce = new Uint8Array([1, 2, 3])
  d.algorithm = `${NS.sc13}/dk/p_sha1`
  assert.equal(d.id, 'k1')
  assert.equal(d.label, 'L')
  assert.equal(d.offset, 64)
  assert.equal(d.length, 16)
  assert.deepEqual(d.nonce, Buffer.from([1, 2, 3]))
  const secret = rnd(16)
  assert.deepEqual(d.derive(secret), refDerive(secret, 'L', Buffer.from([1, 2, 3]), 64, 16))
  const s = d.toXml().toString()
  for (const part of ['wsu:Id="k1"', '<wsc:Label>L</wsc:Label>', '<wsc:Offset>64</wsc:Offset>', '<wsc:Length>16</wsc:Length>', '<wsc:Nonce>AQID</wsc:Nonce>', 'Algorithm=']) {
    assert.ok(s.includes(part), `${part} in ${s}`)
  }
  for (const k of ['id', 'label', 'offset', 'length', 'nonce', 'algorithm']) {
    d[k] = null
    assert.equal(d[k], null, k)
  }
  const cleared = d.toXml().toString()
  for (const part of ['wsu:Id', 'Label', 'Offset', 'Length', 'Nonce>', 'Algorithm']) assert.ok(!cleared.includes(part), `${part} in ${cleared}`)
  // Without a nonce there is nothing to derive from, unless the receiver supplies one.
  throwsCode(() => d.derive(secret), 'InvalidSecurityToken')
  const n = rnd(16)
  assert.deepEqual(d.derive(secret, { nonce: n }), refDerive(secret, wssx.DEFAULT_LABEL, n, 0, 32))
  // Bad values.
  for (const [k, bad] of [['offset', -1], ['offset', 1.5], ['offset', '3'], ['length', 2 ** 53], ['generation', 1n], ['nonce', 'AQID'], ['label', 5], ['id', []], ['algorithm', true]]) {
    throwsCode(() => {
      d[k] = bad
    }, 'InvalidArgument')
  }
  // An unknown algorithm is refused at derivation.
  d.nonce = n
  d.algorithm = 'urn:not-p-sha1'
  throwsCode(() => d.derive(secret), 'InvalidSecurityToken')
})

test('derive options: defaults and limits', () => {
  const noDefaults = DerivedKeyToken.fromXml(dktXml('1.3', '<wsc:Nonce>AAAAAAAAAAAAAAAAAAAAAA==</wsc:Nonce>'))
  const secret = rnd(32)
  const nonce = Buffer.alloc(16)
  assert.deepEqual(noDefaults.derive(secret, {}), refDerive(secret, wssx.DEFAULT_LABEL, nonce, 0, 32))
  assert.deepEqual(noDefaults.derive(secret, null), refDerive(secret, wssx.DEFAULT_LABEL, nonce, 0, 32))
  assert.deepEqual(noDefaults.derive(secret, { label: 'client' + 'service', length: 20 }), refDerive(secret, 'clientservice', nonce, 0, 20))
  assert.deepEqual(noDefaults.derive(secret, { nonce: rnd(4) }), refDerive(secret, wssx.DEFAULT_LABEL, nonce, 0, 32)) // the token's own nonce wins
  throwsCode(() => noDefaults.derive(secret, { maxLength: 31 }), 'LimitExceeded')
  throwsCode(() => noDefaults.derive(secret, { maxNonce: 15 }), 'LimitExceeded')
  throwsCode(() => noDefaults.derive(secret, { maxLabel: 10 }), 'LimitExceeded')
  assert.equal(noDefaults.derive(secret, { maxOffset: 0, maxLength: 32, maxLabel: 42, maxNonce: 16, allowKeyIdentifier: true }).length, 32)
  throwsCode(() => noDefaults.derive(secret, { maxoffset: 1 }), 'InvalidArgument')
  throwsCode(() => noDefaults.derive(secret, { length: 0 }), 'InvalidArgument')
  throwsCode(() => noDefaults.derive(secret, { length: '32' }), 'InvalidArgument')
  throwsCode(() => noDefaults.derive(secret, { allowKeyIdentifier: 1 }), 'InvalidArgument')
  throwsCode(() => noDefaults.derive(secret, 5), 'InvalidArgument')
  throwsCode(() => noDefaults.derive('secret'), 'InvalidArgument')
  // A JS exception raised while reading an option is the caller's own, passed through.
  const boom = new RangeError('boom')
  assert.throws(() => noDefaults.derive(secret, { get length() { throw boom } }), (e) => e === boom)
})

test('a KeyIdentifier as derivation source is refused unless allowKeyIdentifier', () => {
  const d = DerivedKeyToken.fromXml(
    dktXml('1.3', '<wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType="urn:x">abc</wsse:KeyIdentifier></wsse:SecurityTokenReference><wsc:Nonce>AAAA</wsc:Nonce>'),
  )
  const secret = rnd(16)
  assert.equal(d.referenceUri, null)
  throwsCode(() => d.derive(secret), 'UnknownDerivationSource')
  throwsCode(() => d.derive(secret, { allowKeyIdentifier: false }), 'UnknownDerivationSource')
  assert.deepEqual(d.derive(secret, { allowKeyIdentifier: true }), refDerive(secret, wssx.DEFAULT_LABEL, Buffer.from('AAAA', 'base64'), 0, 32))
})

test('limits through a DerivedKeyToken: huge Offset / Length / Generation', () => {
  const secret = rnd(16)
  const huge = (inner) => DerivedKeyToken.fromXml(dktXml('1.3', `${inner}<wsc:Nonce>AAAA</wsc:Nonce>`))
  throwsCode(() => huge('<wsc:Offset>18446744073709551615</wsc:Offset>').derive(secret), 'LimitExceeded')
  throwsCode(() => huge('<wsc:Offset>4097</wsc:Offset>').derive(secret), 'LimitExceeded')
  throwsCode(() => huge('<wsc:Length>1099511627776</wsc:Length>').derive(secret), 'LimitExceeded')
  throwsCode(() => huge('<wsc:Generation>18446744073709551615</wsc:Generation>').derive(secret), 'LimitExceeded')
  throwsCode(() => huge('<wsc:Generation>1000000</wsc:Generation>').derive(secret), 'LimitExceeded')
  // Beyond u64 is not a number core reads at all.
  assert.throws(() => huge('<wsc:Offset>18446744073709551616</wsc:Offset>'), (e) => e instanceof Error && typeof e.code === 'string')
  // Numbers past 2^53 read as the nearest double.
  assert.equal(huge('<wsc:Offset>18446744073709551615</wsc:Offset>').offset, 2 ** 64)
  const d = huge('')
  d.offset = Number.MAX_SAFE_INTEGER
  throwsCode(() => d.derive(secret), 'LimitExceeded')
})

test('inspect describes any token the way toJSON does', () => {
  const sct = SecurityContextToken.fromXml(WCF_SCT)
  assert.deepEqual(wssx.inspect(WCF_SCT), sct.toJSON())
  assert.deepEqual(wssx.inspect(Buffer.from(WCF_SCT)), sct.toJSON())
  const d = DerivedKeyToken.forContext(sct, { length: 24 })
  assert.deepEqual(wssx.inspect(d.toXml()), d.toJSON())
  const str = wssx.inspect(
    `<wsse:SecurityTokenReference xmlns:wsse="${NS.wsse}" xmlns:wsc="${NS.sc2005}" wsc:Nonce="AAECAw==" wsc:Length="24"><wsse:Reference URI="urn:uuid:ctx" wsc:Instance="urn:i2"/></wsse:SecurityTokenReference>`,
  )
  assert.equal(str.type, 'SecurityTokenReference')
  assert.equal(str.nonce, 'AAECAw==')
  assert.equal(str.length, 24)
  assert.deepEqual(str.reference, { uri: 'urn:uuid:ctx', valueType: null, instance: 'urn:i2' })
  throwsCode(() => wssx.inspect('<a:Other xmlns:a="urn:a"/>'), 'InvalidRequest')
  // toJSON is what JSON.stringify uses.
  assert.deepEqual(JSON.parse(JSON.stringify({ t: sct })), { t: sct.toJSON() })
  assert.equal(Object.keys(sct.toJSON()).join(','), 'type,version,identifier,instance,id,extensions')
})

test('the spec chain example: a DKT whose Properties other keys inherit', () => {
  // WS-SC 7.2: the base key's Properties are readable from Node.
  const base = DerivedKeyToken.fromXml(
    dktXml('1.3', '<wsc:Properties><wsc:Name>urn:derivedKeySource</wsc:Name><wsc:Label>NewLabel</wsc:Label><wsc:Nonce>FHFE</wsc:Nonce></wsc:Properties><wsc:Generation>3</wsc:Generation>'),
  )
  assert.deepEqual(base.properties, { name: 'urn:derivedKeySource', label: 'NewLabel', nonce: Buffer.from('FHFE', 'base64') })
  assert.equal(base.generation, 3)
  // Its own key: Properties give label and nonce, generation 3 x 32.
  const ctx = Buffer.from('context secret')
  assert.deepEqual(base.derive(ctx), refDerive(ctx, 'NewLabel', Buffer.from('FHFE', 'base64'), 96, 32))
})
