'use strict'
// Loader for the wssx native addon. build.sh compiles the Rust crate (bindings/node/src)
// and places the library here as wssx.node; the API and its types are in index.d.ts.
const path = require('node:path')

const file = path.join(__dirname, 'wssx.node')
let native
try {
  native = require(file)
} catch (e) {
  e.message = `wssx: cannot load the native addon ${file} (build it with bindings/node/build.sh): ${e.message}`
  throw e
}

// Each export is assigned by name so that ES modules can import them by name
// (`import { deriveKey } from 'wssx'`): Node finds a CommonJS module's named exports by
// reading these assignments. tests/node checks that the list matches the addon's exports.
module.exports = native
module.exports.DEFAULT_LABEL = native.DEFAULT_LABEL
module.exports.DEFAULT_LENGTH = native.DEFAULT_LENGTH
module.exports.DEFAULT_NONCE_LENGTH = native.DEFAULT_NONCE_LENGTH
module.exports.MAX_RANDOM_BYTES = native.MAX_RANDOM_BYTES
module.exports.VERSION = native.VERSION
module.exports.ScVersion = native.ScVersion
module.exports.TrustVersion = native.TrustVersion
module.exports.SecurityContextToken = native.SecurityContextToken
module.exports.DerivedKeyToken = native.DerivedKeyToken
module.exports.VerifyReport = native.VerifyReport
module.exports.RequestSecurityToken = native.RequestSecurityToken
module.exports.RequestSecurityTokenResponse = native.RequestSecurityTokenResponse
module.exports.RequestSecurityTokenResponseCollection = native.RequestSecurityTokenResponseCollection
module.exports.Envelope = native.Envelope
module.exports.Fault = native.Fault
module.exports.Requestor = native.Requestor
module.exports.Pending = native.Pending
module.exports.Negotiation = native.Negotiation
module.exports.Challenge = native.Challenge
module.exports.SecurityContext = native.SecurityContext
module.exports.MemoryStore = native.MemoryStore
module.exports.TokenService = native.TokenService
module.exports.deriveKey = native.deriveKey
module.exports.computedKey = native.computedKey
module.exports.pSha1 = native.pSha1
module.exports.randomBytes = native.randomBytes
module.exports.inspect = native.inspect
module.exports.sign = native.sign
module.exports.encrypt = native.encrypt
module.exports.signAndEncrypt = native.signAndEncrypt
module.exports.protectForRecipient = native.protectForRecipient
module.exports.verify = native.verify
module.exports.c14n = native.c14n
module.exports.errorCodes = native.errorCodes

// ---------------------------------------------------------------------------------------
// Async helpers of Requestor (declared for TypeScript in header.d.ts). The protocol work is
// synchronous and native; these only move the bytes through the caller's transport.
// ---------------------------------------------------------------------------------------

function wssxError(code, path, message) {
  const e = new Error(`${code}: ${path}: ${message}`)
  e.code = code
  return e
}

async function responseBytes(r) {
  if (typeof r === 'string' || r instanceof Uint8Array) return r
  if (r instanceof ArrayBuffer) return Buffer.from(r)
  if (r !== null && typeof r === 'object' && typeof r.arrayBuffer === 'function') {
    return Buffer.from(await r.arrayBuffer())
  }
  throw wssxError('InvalidArgument', 'transport', 'expected the response as a Buffer, Uint8Array, ArrayBuffer, string or fetch Response')
}

native.Requestor.prototype.send = async function send(transport, exchange) {
  if (typeof transport !== 'function') throw wssxError('InvalidArgument', 'transport', 'expected a function')
  if (exchange === null || typeof exchange !== 'object' || !(exchange.pending instanceof native.Pending)) {
    throw wssxError('InvalidArgument', 'exchange', 'expected {request, pending} from a Requestor operation')
  }
  const response = await transport(exchange.request)
  return exchange.pending.finish(await responseBytes(response))
}

native.Requestor.prototype.obtain = async function obtain(transport, opts) {
  const sign = opts == null ? undefined : opts.sign
  const maxLegs = opts == null || opts.maxLegs == null ? 4 : opts.maxLegs
  let outcome = await this.send(transport, this.issue())
  for (let legs = 0; outcome.kind === 'challenge'; legs++) {
    if (legs >= maxLegs) throw wssxError('RequestFailed', 'obtain', `the service sent more than ${maxLegs} challenges`)
    outcome = await this.send(transport, this.answerChallenge(outcome.challenge, sign))
  }
  if (outcome.kind !== 'issued') throw wssxError('InvalidRequest', 'obtain', `expected an issued context, got '${outcome.kind}'`)
  return outcome.context
}
