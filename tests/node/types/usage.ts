// Compiled (not run) by dts.test.mjs with `tsc --noEmit --strict`: the generated
// index.d.ts must be valid TypeScript and describe the API as it is used here.
import {
  DEFAULT_LABEL,
  DEFAULT_LENGTH,
  DerivedKeyToken,
  type DeriveOptions,
  type DktProperties,
  type ForContextOptions,
  ScVersion,
  SecurityContextToken,
  computedKey,
  deriveKey,
  errorCodes,
  inspect,
  pSha1,
  randomBytes,
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

void [k1, k2, ck, p, p2, sct3, ident, inst, v, dkt2, n, len, props, key, j, i, codes]
