// Shared pieces of the Node face's test suite: the module under test, an independent
// P_SHA1 on Node's own HMAC-SHA1, and error assertions.
import assert from 'node:assert/strict'
import { createHmac, randomBytes as nodeRandomBytes, randomInt } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const repo = join(here, '..', '..')
export const pkgDir = join(repo, 'bindings', 'node')

if (!existsSync(join(pkgDir, 'wssx.node'))) {
  throw new Error(`bindings/node/wssx.node is missing: build it first with bindings/node/build.sh`)
}

const require = createRequire(import.meta.url)
/** The package under test, loaded the way a user loads it (main: index.js). */
export const wssx = require(pkgDir)

/** HMAC-SHA1 from node:crypto. */
export function hmacSha1(key, ...parts) {
  const h = createHmac('sha1', key)
  for (const p of parts) h.update(p)
  return h.digest()
}

/**
 * P_SHA1 straight from RFC 2246 section 5, on node:crypto's HMAC: an implementation
 * independent of wssx's. Returns bytes offset .. offset + length.
 */
export function refPSha1(secret, seed, offset, length) {
  const out = []
  let total = 0
  let a = hmacSha1(secret, seed) // A(1)
  while (total < offset + length) {
    const block = hmacSha1(secret, a, seed)
    out.push(block)
    total += block.length
    a = hmacSha1(secret, a)
  }
  return Buffer.concat(out).subarray(offset, offset + length)
}

/** WS-SC key derivation on the reference P_SHA1: seed = utf8(label) + nonce. */
export function refDerive(secret, label, nonce, offset, length) {
  return refPSha1(secret, Buffer.concat([Buffer.from(label, 'utf8'), nonce]), offset, length)
}

export const rnd = nodeRandomBytes
export const rint = randomInt // [min, max)

/** A random integer in [min, max) that is not a multiple of 20 (P_SHA1's block size). */
export function rintNot20(min, max) {
  for (;;) {
    const n = randomInt(min, max)
    if (n % 20 !== 0) return n
  }
}

/** A random label of 0..n characters, some of them outside ASCII. */
export function randomLabel(maxChars = 40) {
  const alphabet = 'abcXYZ-_ 0123456789éü€中😀'
  const chars = [...alphabet]
  let s = ''
  const n = randomInt(0, maxChars + 1)
  for (let i = 0; i < n; i++) s += chars[randomInt(0, chars.length)]
  return s
}

const codes = new Set(wssx.errorCodes())

/** Assert that `err` is what this face throws: an Error with a core ErrorKind name as code. */
export function assertWssxError(err, code) {
  assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`)
  assert.equal(typeof err.code, 'string', `error has no string code: ${err.message}`)
  assert.ok(codes.has(err.code), `code '${err.code}' is not a core ErrorKind name (${err.message})`)
  assert.ok(err.message.startsWith(`${err.code}: `), `message does not start with the code: ${err.message}`)
  if (code !== undefined) assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`)
  return true
}

/** Assert that `fn()` throws a wssx error (with `code`, when given). */
export function throwsCode(fn, code) {
  let threw = false
  try {
    fn()
  } catch (err) {
    threw = true
    assertWssxError(err, code)
  }
  assert.ok(threw, `expected an error${code ? ` with code ${code}` : ''}, but the call returned`)
}

export const NS = {
  sc2005: 'http://schemas.xmlsoap.org/ws/2005/02/sc',
  sc13: 'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
}

/** The namespace of a version short name. */
export const nsOf = (v) => (v === '2005/02' ? NS.sc2005 : NS.sc13)
