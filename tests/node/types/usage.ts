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

// The WS-Trust message model.
import {
  type ContextStoreHooks,
  Envelope,
  type Exchange,
  Fault,
  MemoryStore,
  type Outcome,
  type OutgoingRequest,
  type ProofToken,
  RequestSecurityToken,
  type RequestSecurityTokenFields,
  RequestSecurityTokenResponse,
  RequestSecurityTokenResponseCollection,
  Requestor,
  type RequestorConfig,
  SecurityContext,
  type ServiceResponse,
  type StoredContext,
  type TokenLifetime,
  TokenService,
  type TokenServiceOptions,
  type Transport,
  TrustVersion,
  type TrustStatus,
  type WrapOptions,
} from 'wssx'

const fields: RequestSecurityTokenFields = { version: TrustVersion.Feb2005, requestType: 'Issue', tokenType: 'SecurityContextToken', keySize: 256, entropy: randomBytes(32) }
const rst = new RequestSecurityToken(fields)
rst.lifetime = { created: new Date(), expires: Date.now() + 60_000 }
rst.cancelTarget = sct
rst.validateTarget = { identifier: 'urn:uuid:x', instance: null }
rst.renewTarget = 'urn:uuid:x'
rst.appliesTo = null
const life: TokenLifetime | null = rst.lifetime
const rt: string = rst.requestType
const target = rst.cancelTarget
const targetId: string | null = target instanceof SecurityContextToken ? target.identifier : typeof target === 'string' ? null : target ? target.identifier : null
const rst13: RequestSecurityToken = rst.convert('1.3')
const rstXml: Buffer = rst.toXml(TrustVersion.V1_4)
const back: RequestSecurityToken = RequestSecurityToken.fromObject(rst.toObject())
const ent: Buffer | null = back.entropy

const rstr = new RequestSecurityTokenResponse({ requestedToken: sct, proof: { kind: 'computedKey', algorithm: 'PSHA1' }, cancelled: false })
const proof: ProofToken | null = rstr.proof
const token: SecurityContextToken | string | null = rstr.requestedToken
rstr.status = { code: 'valid' }
const st: TrustStatus | null = rstr.status
const coll = new RequestSecurityTokenResponseCollection([rstr], '1.3')
const firstResponse: RequestSecurityTokenResponse | undefined = coll.responses[0]

const wopts: WrapOptions = { soapVersion: '1.1', addressing: '2005/08', to: 'https://sts.example.org/' }
const env: Envelope = Envelope.wrap(rst, wopts)
const action: string | null = env.action
const msg = Envelope.fromXml(env.toXml()).message()
const isRst: boolean = msg instanceof RequestSecurityToken
const fault = new Fault('BadContextToken', '2005/02')
const faultXml: Buffer = fault.toXml('1.1')
const faultErr: Error & { code: string } = fault.toError()
const kind: string = Fault.fromXml(fault.toEnvelope('1.2').toXml()).kind

// The protocols.
const config: RequestorConfig = { to: 'https://sts.example.org/', trustVersion: '1.3', soapVersion: '1.2', entropy: 'combined', keySize: 256, protect: { suite: 'Basic256' } }
const requestor = new Requestor(config)
const ex: Exchange = requestor.issue()
const out: OutgoingRequest = ex.request
const mem = new MemoryStore(1000, { rollover: 60 })
const sopts: TokenServiceOptions = { contextLifetime: 600, authorize: (r) => (r.operation === 'issue' ? 'alice' : true) }
const service = new TokenService(mem, sopts)
const resp: ServiceResponse = service.handle(out.envelope)
const outcome: Outcome = ex.pending.finish(resp.envelope)
const ctx: SecurityContext | null = outcome.context
if (ctx) {
  const secured: Buffer = ctx.signAndEncrypt(envelope, { order: 'encrypt-then-sign' })
  const report: VerifyReport = service.verifyMessage(secured, { requireTimestamp: true })
  const replyReport: VerifyReport = ctx.verify(secured, { clockSkew: 60 })
  void replyReport
  const renewal: Exchange = requestor.renew(ctx, { newKey: true, reproof: (e: Buffer) => e })
  const later: boolean = ctx.shouldRenew(300) || requestor.needsRenewal(ctx, new Date())
  const stored: StoredContext | 'cancelled' | null = mem.get(ctx.identifier, null)
  void [report, renewal, later, stored]
}
const store: ContextStoreHooks = {
  get: (identifier: string, instance: string | null) => (identifier && instance ? null : 'cancelled'),
  insert: (c: StoredContext) => void c,
  update: (c: StoredContext) => void c,
  cancel: (identifier: string) => identifier.length > 0,
}
const jsService = new TokenService(store)
const transport: Transport = async (request: OutgoingRequest) => jsService.handle(request.envelope).envelope
async function lifecycle(): Promise<boolean> {
  const c: SecurityContext = await requestor.obtain(transport, { sign: (e: Buffer) => e })
  const o: Outcome = await requestor.send(transport, requestor.cancel(c))
  const later: ServiceResponse = await service.handleAsync(Buffer.from('<x/>'))
  return o.kind === 'cancelled' && c.cancelled && later.isFault
}

void [life, rt, targetId, rst13, rstXml, ent, proof, token, st, firstResponse, action, isRst, faultXml, faultErr, kind, lifecycle]

// X.509: encrypted entropy, key exchange tokens, direct key transfer.
const pem: string = '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n'
const x509Service = new TokenService(mem, { identity: { certificate: Buffer.from(pem), privateKey: pem }, acceptUnsolicited: true, issuerEntropy: false })
const ketExchange: Exchange = new Requestor({ to: 'x:sts' }).keyExchangeToken()
const ketOutcome: Outcome = ketExchange.pending.finish(x509Service.handle(ketExchange.request.envelope).envelope)
const ketCert: Buffer | null = ketOutcome.kind === 'keyExchangeToken' ? ketOutcome.certificate : null
const encrypting = new Requestor({ to: 'x:sts', serviceCertificate: ketCert ?? pem })
const localCtx: SecurityContext = SecurityContext.create({ trustVersion: '2005/02', keyBits: 256, lifetime: 600 })
const rstrXml: Buffer = localCtx.propagate(pem)
const accepted: StoredContext = x509Service.acceptUnsolicited(localCtx.sign(rstrXml), { requireSignature: false })
void [encrypting, accepted]

// Messages protected for a certificate.
import { protectForRecipient, type RecipientProtected, type X509Identity } from 'wssx'
const recipient: X509Identity = { certificate: pem, privateKey: Buffer.from(pem) }
const forRecipient: RecipientProtected = protectForRecipient(envelope, pem, 'signAndEncrypt', { order: 'encrypt-then-sign' }, '1.3')
const recipientOpts: VerifyOptions = { identity: recipient, requireTimestamp: true }
const recipientReport: VerifyReport = verify(forRecipient.envelope, new Map(), recipientOpts)
const ephemeral: Buffer = forRecipient.key
void [recipientReport, ephemeral]

// Binary negotiation (WS-Trust 8.4).
import { type ExchangeHandler, type ExchangeStepResult, type Negotiation, type NegotiationResult, type NegotiationStart } from 'wssx'
const handler: ExchangeHandler = {
  valueType: 'urn:example:x25519',
  step: (incoming: Buffer | null): ExchangeStepResult => (incoming ? { complete: true, key: Buffer.alloc(32) } : { output: Buffer.alloc(32) }),
}
const negService = new TokenService(new MemoryStore(10), { negotiator: (vt: string) => (vt === handler.valueType ? handler : null) })
const started: NegotiationStart = new Requestor({ to: 'x:sts' }).negotiate(handler)
const negotiation: Negotiation = started.negotiation
const negResult: NegotiationResult = negotiation.step(negService.handle(started.request.envelope).envelope)
const negCtx: SecurityContext | null = negResult.kind === 'done' ? negResult.context : null
const nextNeg: Negotiation | null = negResult.kind === 'continue' ? negResult.negotiation : null
void [negCtx, nextNeg, negotiation.contextAttribute, negotiation.finished]
