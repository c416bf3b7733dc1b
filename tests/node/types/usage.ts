// Compiled (not run) by dts.test.mjs with `tsc --noEmit --strict`: the generated
// index.d.ts must be valid TypeScript and describe the API as it is used here.
import {
  type C14nOptions,
  type ContextId,
  DEFAULT_LABEL,
  DEFAULT_LENGTH,
  type DecryptedPart,
  DerivedKeyToken,
  type DeriveOptions,
  type DktProperties,
  type ForContextOptions,
  type MessageTimestamp,
  type ProtectOptions,
  ScVersion,
  SecurityContextToken,
  type SignedPart,
  type VerifyOptions,
  VerifyReport,
  c14n,
  computedKey,
  deriveKey,
  encrypt,
  errorCodes,
  inspect,
  pSha1,
  randomBytes,
  sign,
  signAndEncrypt,
  verify,
} from 'wssx'

const secret: Buffer = randomBytes(32)
const k1: Buffer = deriveKey(secret, undefined, randomBytes(16), 0, DEFAULT_LENGTH)
const k2: Buffer = deriveKey(new Uint8Array(secret), DEFAULT_LABEL, randomBytes(16), 32, 24)
const ck: Buffer = computedKey(randomBytes(16), randomBytes(16), 256)
const p: Buffer = pSha1(secret, Buffer.from('seed'), 20)
const p2: Buffer = pSha1(secret, Buffer.from('seed'), 20, 40)

const sct = new SecurityContextToken('urn:uuid:x', ScVersion.Feb2005)
const sct2: SecurityContextToken = SecurityContextToken.generate('1.3')
const sct3 = SecurityContextToken.fromXml(sct.toXml())
sct.instance = 'urn:i'
sct.instance = null
sct.id = 'id-1'
const ident: string = sct.identifier
const inst: string | null = sct3.instance
const v: ScVersion = sct2.version

const opts: ForContextOptions = { by: 'id', length: 24, version: ScVersion.V1_3 }
const dkt = DerivedKeyToken.forContext(sct, opts)
const dkt2 = DerivedKeyToken.fromXml(dkt.toXml().toString('utf8'))
dkt.generation = 2
dkt.generation = null
dkt.offset = null
dkt.nonce = randomBytes(16)
const n: Buffer | null = dkt2.nonce
const len: number | null = dkt.length
const props: DktProperties | null = dkt.properties
const dopts: DeriveOptions = { maxOffset: 4096, label: 'x', nonce: new Uint8Array(4), allowKeyIdentifier: false }
const key: Buffer = dkt.derive(secret, dopts)
const j: Record<string, unknown> = dkt.toJSON()
const i: Record<string, unknown> = inspect(sct.toXml())
const codes: string[] = errorCodes()

try {
  deriveKey(secret, null, randomBytes(16), 5000, 32)
} catch (e) {
  const code = (e as Error & { code?: string }).code
  if (code === 'LimitExceeded') void code
}

// Message protection.
const envelope = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>'
const popts: ProtectOptions = {
  suite: 'Basic256Sha256',
  reference: 'identifier',
  includeSct: false,
  derivedKeys: true,
  label: 'L',
  nonceLength: 16,
  timestampTtl: null,
  signedHeaders: [['http://www.w3.org/2005/08/addressing', 'To']],
  gcm: true,
}
const signed: Buffer = sign(envelope, sct, secret, popts)
const sealed: Buffer = encrypt(Buffer.from(envelope), sct, new Uint8Array(secret), { timestampTtl: 60 })
const both: Buffer = signAndEncrypt(envelope, sct, secret, { ...popts, order: 'encrypt-then-sign' })
const vopts: VerifyOptions = { clockSkew: 60, requireTimestamp: false, now: new Date(), minKeyLength: 16, derive: { maxNonce: 64 } }
const r1: VerifyReport = verify(signed, (identifier: string, instance: string | null) => (identifier === sct.identifier && instance === null ? secret : null), vopts)
const r2 = verify(sealed, new Map([[sct.identifier, secret]]), { now: Date.now() })
const r3 = verify(both, { [sct.identifier]: secret })
const bodyOk: boolean = r1.bodySigned && r2.bodyDecrypted
const parts: SignedPart[] = r1.signed
const dec: DecryptedPart[] = r2.decrypted
const ts: MessageTimestamp | null = r2.timestamp
const created: Date | null = ts ? ts.created : null
const signer: ContextId | null = r3.signerOf('Body')
const toSigned: boolean = r3.isSigned(['http://www.w3.org/2005/08/addressing', 'To'])
const plain: Buffer = r3.envelope
const soapV: '1.1' | '1.2' = r3.soapVersion
const carried: SecurityContextToken[] = r3.tokens
const summary: Record<string, unknown> = r3.toJSON()
const copts: C14nOptions = { id: 'x', withComments: false, prefixes: ['#default'] }
const canon: Buffer = c14n(plain, copts)
const canon2: Buffer = c14n('<a/>')

void [k1, k2, ck, p, p2, sct3, ident, inst, v, dkt2, n, len, props, key, j, i, codes]
void [bodyOk, parts, dec, created, signer, toSigned, soapV, carried, summary, canon, canon2]
