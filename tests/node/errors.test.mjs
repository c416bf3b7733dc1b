// Garbage in: every failure is a JS Error whose `code` is a core ErrorKind name, and
// nothing crashes the process (node --test runs this file in its own process, so a crash
// fails the file).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NS, assertWssxError, repo, rint, rnd, throwsCode, wssx } from './helpers.mjs'

const { SecurityContextToken, DerivedKeyToken } = wssx
const PARSERS = {
  inspect: (x) => wssx.inspect(x),
  'SecurityContextToken.fromXml': (x) => SecurityContextToken.fromXml(x),
  'DerivedKeyToken.fromXml': (x) => DerivedKeyToken.fromXml(x),
  'RequestSecurityToken.fromXml': (x) => wssx.RequestSecurityToken.fromXml(x),
  'RequestSecurityTokenResponse.fromXml': (x) => wssx.RequestSecurityTokenResponse.fromXml(x),
  'RequestSecurityTokenResponseCollection.fromXml': (x) => wssx.RequestSecurityTokenResponseCollection.fromXml(x),
  'Envelope.fromXml': (x) => wssx.Envelope.fromXml(x),
  'Fault.fromXml': (x) => wssx.Fault.fromXml(x),
}
const SERVICE = new wssx.TokenService(new wssx.MemoryStore(10))

const GOOD_DKT = `<wsc:DerivedKeyToken xmlns:wsc="${NS.sc2005}" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}" wsu:Id="dk"><wsse:SecurityTokenReference><wsse:Reference URI="#ctx"/></wsse:SecurityTokenReference><wsc:Offset>0</wsc:Offset><wsc:Length>24</wsc:Length><wsc:Label>L</wsc:Label><wsc:Nonce>AAECAwQFBgcICQoLDA0ODw==</wsc:Nonce></wsc:DerivedKeyToken>`
const GOOD_RST = `<t:RequestSecurityToken xmlns:t="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><t:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</t:RequestType></t:RequestSecurityToken>`
const GOOD_SCT = `<wsc:SecurityContextToken xmlns:wsc="${NS.sc13}" xmlns:wsu="${NS.wsu}" wsu:Id="s"><wsc:Identifier>urn:uuid:a</wsc:Identifier><wsc:Instance>urn:uuid:b</wsc:Instance></wsc:SecurityContextToken>`

/** Run `fn`; it either returns or throws a wssx error. Returns the code or 'ok'. */
function outcome(fn) {
  try {
    fn()
    return 'ok'
  } catch (e) {
    assertWssxError(e)
    return e.code
  }
}

test('errorCodes lists the core ErrorKind names', () => {
  const codes = wssx.errorCodes()
  assert.equal(new Set(codes).size, codes.length)
  for (const c of ['BadContextToken', 'LimitExceeded', 'MalformedXml', 'InvalidSecurityToken', 'InvalidArgument', 'UnknownDerivationSource']) {
    assert.ok(codes.includes(c), c)
  }
})

test('errors are plain Errors with code and "Kind: path: message"', () => {
  try {
    DerivedKeyToken.fromXml(GOOD_DKT.replace('<wsc:Offset>0</wsc:Offset>', '<wsc:Offset>0</wsc:Offset><wsc:Generation>1</wsc:Generation>')).derive(rnd(8))
    assert.fail('no error')
  } catch (e) {
    assert.ok(e instanceof Error)
    assert.equal(Object.getPrototypeOf(e), Error.prototype)
    assert.equal(e.code, 'InvalidSecurityToken')
    assert.match(e.message, /^InvalidSecurityToken: wsc:DerivedKeyToken: /)
    assert.ok(e.stack.includes('errors.test.mjs'), 'the stack points at the caller')
  }
  try {
    wssx.deriveKey(rnd(8), undefined, rnd(8), 1.5, 32)
  } catch (e) {
    assert.equal(e.message, 'InvalidArgument: offset: expected a non-negative safe integer, got 1.5')
  }
})

test('random bytes never crash the parsers', () => {
  for (let i = 0; i < 400; i++) {
    const junk = rnd(rint(0, 300))
    for (const [name, parse] of Object.entries(PARSERS)) {
      const c = outcome(() => parse(junk))
      assert.notEqual(c, 'ok', `${name} accepted random bytes`)
    }
  }
  // Text that looks a little like XML.
  const pieces = ['<', '>', '/', '</', '="', '"', 'wsc:', 'xmlns:wsc=', NS.sc13, '&amp;', '&#0;', '&#x110000;', ']]>', '<![CDATA[', '<!--', '-->', '<?', '?>', 'a', ' ', '\u0000', '\uFFFF', 'é']
  for (let i = 0; i < 400; i++) {
    let s = ''
    for (let n = rint(0, 40); n > 0; n--) s += pieces[rint(0, pieces.length)]
    for (const parse of Object.values(PARSERS)) outcome(() => parse(s))
  }
})

test('mutated tokens either parse or fail with a code', () => {
  const seen = new Set()
  for (const good of [GOOD_DKT, GOOD_SCT]) {
    const bytes = Buffer.from(good)
    for (let i = 0; i < 500; i++) {
      const b = Buffer.from(bytes)
      for (let k = rint(1, 4); k > 0; k--) b[rint(0, b.length)] = rint(0, 256)
      for (const parse of Object.values(PARSERS)) seen.add(outcome(() => parse(b)))
    }
  }
  assert.ok(seen.has('MalformedXml'), [...seen].join(','))
})

test('every truncation of a valid token fails with MalformedXml', () => {
  for (const good of [GOOD_DKT, GOOD_SCT]) {
    const bytes = Buffer.from(good)
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n)
      for (const [name, parse] of Object.entries(PARSERS)) {
        throwsCode(() => parse(cut), 'MalformedXml')
        void name
      }
    }
  }
})

test('DTDs and entities are refused (MalformedXml)', () => {
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
    `<wsc:SecurityContextToken xmlns:wsc="${NS.sc13}"><wsc:Identifier>urn:&lol3;</wsc:Identifier></wsc:SecurityContextToken>`
  const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><wsc:SecurityContextToken xmlns:wsc="${NS.sc13}"><wsc:Identifier>urn:&xxe;</wsc:Identifier></wsc:SecurityContextToken>`
  const plainDoctype = `<!DOCTYPE wsc:SecurityContextToken><wsc:SecurityContextToken xmlns:wsc="${NS.sc13}"><wsc:Identifier>urn:a</wsc:Identifier></wsc:SecurityContextToken>`
  const undefinedEntity = `<wsc:SecurityContextToken xmlns:wsc="${NS.sc13}"><wsc:Identifier>urn:&foo;</wsc:Identifier></wsc:SecurityContextToken>`
  for (const x of [laughs, xxe, plainDoctype, undefinedEntity]) {
    for (const parse of Object.values(PARSERS)) throwsCode(() => parse(x), 'MalformedXml')
  }
})

test('500-deep nesting is refused (LimitExceeded), without a stack overflow', () => {
  const depth = 500
  const deep = `<wsc:SecurityContextToken xmlns:wsc="${NS.sc13}"><wsc:Identifier>urn:a</wsc:Identifier>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</wsc:SecurityContextToken>`
  for (const parse of Object.values(PARSERS)) throwsCode(() => parse(deep), 'LimitExceeded')
  const deeper = '<a>'.repeat(100000) + '</a>'.repeat(100000)
  for (const parse of Object.values(PARSERS)) throwsCode(() => parse(deeper), 'LimitExceeded')
})

test('documents past the size limit are refused (LimitExceeded)', () => {
  const big = Buffer.alloc(64 * 1024 * 1024 + 1, 0x20)
  throwsCode(() => wssx.inspect(big), 'LimitExceeded')
})

test('non-UTF-8, empty and non-token documents', () => {
  for (const parse of Object.values(PARSERS)) {
    throwsCode(() => parse(Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x2f, 0x3e])), 'MalformedXml')
    throwsCode(() => parse(''), 'MalformedXml')
    throwsCode(() => parse(Buffer.alloc(0)), 'MalformedXml')
    throwsCode(() => parse('<a/><b/>'), 'MalformedXml')
  }
  // inspect reads envelopes, trust messages and tokens: anything else is InvalidRequest.
  throwsCode(() => wssx.inspect('<a xmlns="urn:x"/>'), 'InvalidRequest')
  throwsCode(() => SecurityContextToken.fromXml('<a xmlns="urn:x"/>'), 'BadContextToken')
  throwsCode(() => DerivedKeyToken.fromXml('<a xmlns="urn:x"/>'), 'InvalidSecurityToken')
  throwsCode(() => DerivedKeyToken.fromXml(GOOD_DKT.replace('AAECAwQFBgcICQoLDA0ODw==', '!!not base64!!')))
  throwsCode(() => DerivedKeyToken.fromXml(GOOD_DKT.replace('<wsc:Length>24</wsc:Length>', '<wsc:Length>-24</wsc:Length>')))
})

// --- wrong types ----------------------------------------------------------------------

const buf = () => rnd(16)
const KEYTRANSPORT = join(repo, 'core', 'tests', 'fixtures', 'keytransport')
const CERT = readFileSync(join(KEYTRANSPORT, 'recipient-cert.pem'))
const KEY = readFileSync(join(KEYTRANSPORT, 'recipient-key.pem'))
const APP_ENV = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><p xmlns="urn:p"/></s:Body></s:Envelope>'
const ALL_VALUES = {
  undefined: undefined,
  null: null,
  number: 7,
  fraction: 1.5,
  negative: -1,
  nan: NaN,
  infinity: Infinity,
  unsafe: 2 ** 53,
  string: 'text',
  emptyString: '',
  object: { a: 1 },
  array: [1, 2],
  boolean: true,
  bigint: 7n,
  symbol: Symbol('s'),
  function: () => 1,
  date: new Date(0),
  int8array: new Int8Array(4),
  uint16array: new Uint16Array(4),
  arraybuffer: new ArrayBuffer(4),
  dataview: new DataView(new ArrayBuffer(4)),
  buffer: Buffer.from('x'),
}
const isBytes = (v) => v instanceof Uint8Array
const isUint = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isString = (v) => typeof v === 'string'
const isXml = (v) => isString(v) || isBytes(v)
const isNullish = (v) => v === undefined || v === null

// [name, call(args), good args, per-position predicate "this value is of the right type"]
const sct = SecurityContextToken.generate()
sct.id = 'sct-1'
const dkt = DerivedKeyToken.forContext(sct)
const CALLS = [
  ['deriveKey', (a) => wssx.deriveKey(...a), [buf(), 'L', buf(), 0, 32], [isBytes, (v) => isString(v) || isNullish(v), isBytes, isUint, isUint]],
  ['computedKey', (a) => wssx.computedKey(...a), [buf(), buf(), 256], [isBytes, isBytes, isUint]],
  ['pSha1', (a) => wssx.pSha1(...a), [buf(), buf(), 20, 0], [isBytes, isBytes, isUint, (v) => isUint(v) || isNullish(v)]],
  ['randomBytes', (a) => wssx.randomBytes(...a), [8], [isUint]],
  ['inspect', (a) => wssx.inspect(...a), [GOOD_SCT], [isXml]],
  ['SecurityContextToken.fromXml', (a) => SecurityContextToken.fromXml(...a), [GOOD_SCT], [isXml]],
  ['DerivedKeyToken.fromXml', (a) => DerivedKeyToken.fromXml(...a), [GOOD_DKT], [isXml]],
  ['new SecurityContextToken', (a) => new SecurityContextToken(...a), ['urn:x', '1.3'], [isString, (v) => isNullish(v)]],
  ['SecurityContextToken.generate', (a) => SecurityContextToken.generate(...a), ['1.3'], [isNullish]],
  ['DerivedKeyToken.forContext', (a) => DerivedKeyToken.forContext(...a), [sct, {}], [(v) => v === sct, (v) => isNullish(v) || (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer))]],
  ['DerivedKeyToken#derive', (a) => dkt.derive(...a), [buf(), {}], [isBytes, (v) => isNullish(v) || (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer))]],
  ['RequestSecurityToken.fromXml', (a) => wssx.RequestSecurityToken.fromXml(...a), [GOOD_RST], [isXml]],
  ['new RequestSecurityToken', (a) => new wssx.RequestSecurityToken(...a), [{ keySize: 256 }], [(v) => isNullish(v) || (v !== null && typeof v === 'object' && Object.keys(v).length === 0 && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer))]],
  ['RequestSecurityToken#toXml', (a) => new wssx.RequestSecurityToken().toXml(...a), ['2005/02'], [isNullish]],
  ['new Envelope', (a) => new wssx.Envelope(...a), ['1.1'], [isNullish]],
  ['Envelope.wrap', (a) => wssx.Envelope.wrap(...a), [new wssx.RequestSecurityToken(), { soapVersion: '1.1' }], [isXml, (v) => isNullish(v)]],
  ['new Fault', (a) => new wssx.Fault(...a), ['BadContextToken', '2005/02'], [() => false, isNullish]],
  ['new Requestor', (a) => new wssx.Requestor(...a), [{ to: 'urn:sts' }], [() => false]],
  ['new MemoryStore', (a) => new wssx.MemoryStore(...a), [10, {}], [(v) => isUint(v) || isNullish(v), (v) => isNullish(v) || (v !== null && typeof v === 'object' && Object.keys(v).length === 0 && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer))]],
  ['new TokenService', (a) => new wssx.TokenService(...a), [new wssx.MemoryStore(), {}], [() => false, (v) => isNullish(v) || (v !== null && typeof v === 'object' && Object.keys(v).length === 0 && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer))]],
  ['TokenService#handle', (a) => SERVICE.handle(...a), [GOOD_SCT], [isXml]],
  ['SecurityContext.create', (a) => wssx.SecurityContext.create(...a), ['1.3', 256, 60], [isNullish, (v) => isNullish(v), (v) => isUint(v) || isNullish(v)]],
  ['SecurityContext#propagate', (a) => wssx.SecurityContext.create().propagate(...a), [CERT], [() => false]],
  ['new Requestor (serviceCertificate)', (a) => new wssx.Requestor({ to: 'urn:sts', serviceCertificate: a[0] }), [CERT], [isNullish]],
  ['new TokenService (identity)', (a) => new wssx.TokenService(new wssx.MemoryStore(), { identity: { certificate: a[0], privateKey: a[1] } }), [CERT, KEY], [() => false, () => false]],
  ['protectForRecipient', (a) => wssx.protectForRecipient(...a), [APP_ENV, CERT, 'sign', {}, '1.3'], [isXml, () => false, isNullish, (v) => isNullish(v) || (v !== null && typeof v === 'object' && Object.keys(v).length === 0 && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)), isNullish]],
]

for (const [name, call, good, ok] of CALLS) {
  test(`wrong argument types: ${name}`, () => {
    assert.doesNotThrow(() => call(good), `${name} with good arguments`)
    for (let pos = 0; pos < good.length; pos++) {
      for (const [label, v] of Object.entries(ALL_VALUES)) {
        if (ok[pos](v)) continue
        const args = [...good]
        args[pos] = v
        try {
          call(args)
        } catch (e) {
          assertWssxError(e, 'InvalidArgument')
          continue
        }
        assert.fail(`${name}: argument ${pos} = ${label} was accepted`)
      }
    }
  })
}

test('wrong setter types', () => {
  const RST = new wssx.RequestSecurityToken()
  const RSTR = new wssx.RequestSecurityTokenResponse()
  const ENV = new wssx.Envelope()
  const s = SecurityContextToken.generate()
  const d = DerivedKeyToken.forContext(s, { by: 'identifier' })
  const setters = [
    [s, 'instance', isString],
    [s, 'id', isString],
    [d, 'id', isString],
    [d, 'label', isString],
    [d, 'algorithm', isString],
    [d, 'nonce', isBytes],
    [d, 'offset', isUint],
    [d, 'length', isUint],
    [d, 'generation', isUint],
    [RST, 'keySize', (v) => isUint(v) && v < 2 ** 32],
    [RST, 'context', isString],
    [RST, 'tokenType', () => false],
    [RST, 'requestType', () => false],
    [RST, 'entropy', isBytes],
    [RST, 'lifetime', (v) => typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)],
    [RST, 'cancelTarget', (v) => (isString(v) && v !== '') || isBytes(v)],
    [RSTR, 'cancelled', (v) => typeof v === 'boolean'],
    [RSTR, 'proof', () => false],
    [ENV, 'action', isString],
    [ENV, 'addressing', () => false],
  ]
  for (const [obj, key, ok] of setters) {
    for (const [label, v] of Object.entries(ALL_VALUES)) {
      if (ok(v) || isNullish(v)) continue
      try {
        obj[key] = v
      } catch (e) {
        assertWssxError(e, 'InvalidArgument')
        continue
      }
      assert.fail(`${key} = ${label} was accepted`)
    }
  }
})

test('methods called on the wrong receiver throw, not crash', () => {
  const d = DerivedKeyToken.forContext(SecurityContextToken.generate(), { by: 'identifier' })
  const s = SecurityContextToken.generate()
  for (const [fn, self] of [
    [DerivedKeyToken.prototype.derive, s],
    [DerivedKeyToken.prototype.toXml, {}],
    [SecurityContextToken.prototype.toXml, d],
    [SecurityContextToken.prototype.toJSON, null],
  ]) {
    assert.throws(() => fn.call(self, rnd(8)), Error)
  }
  const getter = Object.getOwnPropertyDescriptor(DerivedKeyToken.prototype, 'nonce').get
  assert.throws(() => getter.call(s), Error)
})
