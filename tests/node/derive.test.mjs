// Key derivation: deriveKey, pSha1, computedKey, randomBytes against an independent P_SHA1
// written here on node:crypto's HMAC-SHA1.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { rint, rintNot20, rnd, randomLabel, refDerive, refPSha1, throwsCode, wssx } from './helpers.mjs'

const VECTORS = 300

test('the reference P_SHA1 is RFC 2246 P_hash (first two blocks by hand, HMAC from SHA-1)', () => {
  const secret = Buffer.from('secret')
  const seed = Buffer.from('seed')
  const a1 = hmacByHand(secret, seed)
  const a2 = hmacByHand(secret, a1)
  const blocks = Buffer.concat([hmacByHand(secret, Buffer.concat([a1, seed])), hmacByHand(secret, Buffer.concat([a2, seed]))])
  assert.deepEqual(refPSha1(secret, seed, 0, 40), blocks)
  assert.deepEqual(wssx.pSha1(secret, seed, 40), blocks)
  assert.deepEqual(wssx.pSha1(secret, seed, 17, 3), blocks.subarray(3, 20))
})

test(`pSha1 matches the reference over ${VECTORS} random vectors`, () => {
  for (let i = 0; i < VECTORS; i++) {
    const secret = rnd(rint(1, 65))
    const seed = rnd(rint(0, 100))
    const offset = i % 3 === 0 ? rint(0, 20) : rint(21, 4097) // mostly past the first block
    const length = rintNot20(1, 1025)
    const got = wssx.pSha1(secret, seed, length, offset)
    assert.ok(Buffer.isBuffer(got))
    assert.equal(got.length, length)
    assert.deepEqual(got, refPSha1(secret, seed, offset, length), `vector ${i}: offset ${offset} length ${length}`)
  }
})

test('pSha1 offset defaults to 0 (undefined or null)', () => {
  const s = rnd(20)
  const seed = rnd(30)
  const want = refPSha1(s, seed, 0, 37)
  assert.deepEqual(wssx.pSha1(s, seed, 37), want)
  assert.deepEqual(wssx.pSha1(s, seed, 37, undefined), want)
  assert.deepEqual(wssx.pSha1(s, seed, 37, null), want)
})

test(`deriveKey matches the reference over ${VECTORS} random vectors (offsets > 20, lengths not multiples of 20)`, () => {
  for (let i = 0; i < VECTORS; i++) {
    const secret = rnd(rint(1, 65))
    let label = randomLabel()
    while (Buffer.byteLength(label) > 128) label = randomLabel()
    const nonce = rnd(rint(0, 129))
    const offset = rint(21, 4097)
    const length = rintNot20(1, 1025)
    const got = wssx.deriveKey(secret, label, nonce, offset, length)
    assert.deepEqual(got, refDerive(secret, label, nonce, offset, length), `vector ${i}: ${JSON.stringify(label)} ${offset} ${length}`)
  }
})

test('deriveKey: undefined or null label means DEFAULT_LABEL', () => {
  assert.equal(wssx.DEFAULT_LABEL, 'WS-SecureConversationWS-SecureConversation')
  const secret = rnd(32)
  const nonce = rnd(16)
  const want = refDerive(secret, wssx.DEFAULT_LABEL, nonce, 0, 32)
  assert.deepEqual(wssx.deriveKey(secret, undefined, nonce, 0, 32), want)
  assert.deepEqual(wssx.deriveKey(secret, null, nonce, 0, 32), want)
  assert.deepEqual(wssx.deriveKey(secret, wssx.DEFAULT_LABEL, nonce, 0, 32), want)
  // An empty label is a label, not the default.
  assert.deepEqual(wssx.deriveKey(secret, '', nonce, 0, 32), refDerive(secret, '', nonce, 0, 32))
})

test('deriveKey: a WCF-style derivation (default label, 16-byte nonce, 32 bytes at 0, then generation 1)', () => {
  const secret = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex')
  const nonce = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
  const k0 = wssx.deriveKey(secret, undefined, nonce, 0, 32)
  const k1 = wssx.deriveKey(secret, undefined, nonce, 32, 32)
  const both = wssx.deriveKey(secret, undefined, nonce, 0, 64)
  assert.deepEqual(Buffer.concat([k0, k1]), both)
  assert.deepEqual(both, refDerive(secret, wssx.DEFAULT_LABEL, nonce, 0, 64))
})

test('Uint8Array inputs give the same keys as Buffers', () => {
  const secret = rnd(24)
  const nonce = rnd(16)
  const a = wssx.deriveKey(secret, 'x', nonce, 25, 33)
  const b = wssx.deriveKey(new Uint8Array(secret), 'x', new Uint8Array(nonce), 25, 33)
  assert.deepEqual(a, b)
  // A Uint8Array view into a larger buffer uses only its own bytes.
  const big = Buffer.concat([rnd(7), secret, rnd(9)])
  const view = new Uint8Array(big.buffer, big.byteOffset + 7, secret.length)
  assert.deepEqual(wssx.deriveKey(view, 'x', nonce, 25, 33), a)
})

test('deriveKey limits: past them LimitExceeded, at them fine', () => {
  const s = rnd(16)
  const n = rnd(16)
  assert.equal(wssx.deriveKey(s, 'x'.repeat(128), rnd(128), 4096, 1024).length, 1024)
  throwsCode(() => wssx.deriveKey(s, undefined, n, 4097, 32), 'LimitExceeded')
  throwsCode(() => wssx.deriveKey(s, undefined, n, 2 ** 52, 32), 'LimitExceeded')
  throwsCode(() => wssx.deriveKey(s, undefined, n, Number.MAX_SAFE_INTEGER, 32), 'LimitExceeded')
  throwsCode(() => wssx.deriveKey(s, undefined, n, 0, 1025), 'LimitExceeded')
  throwsCode(() => wssx.deriveKey(s, undefined, n, 0, 2 ** 40), 'LimitExceeded')
  throwsCode(() => wssx.deriveKey(s, 'x'.repeat(129), n, 0, 32), 'LimitExceeded')
  throwsCode(() => wssx.deriveKey(s, '€'.repeat(43), n, 0, 32), 'LimitExceeded') // 129 bytes of UTF-8
  throwsCode(() => wssx.deriveKey(s, undefined, rnd(129), 0, 32), 'LimitExceeded')
  throwsCode(() => wssx.deriveKey(s, undefined, n, 0, 0), 'InvalidArgument')
})

test('a huge offset is refused at once, not computed', () => {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < 1000; i++) throwsCode(() => wssx.deriveKey(rnd(16), undefined, rnd(16), 2 ** 53 - 1, 32), 'LimitExceeded')
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  assert.ok(ms < 2000, `1000 refusals took ${ms} ms`)
})

test('pSha1 is bounded like deriveKey', () => {
  throwsCode(() => wssx.pSha1(rnd(8), rnd(8), 1025), 'LimitExceeded')
  throwsCode(() => wssx.pSha1(rnd(8), rnd(8), 2 ** 50), 'LimitExceeded')
  throwsCode(() => wssx.pSha1(rnd(8), rnd(8), 32, 4097), 'LimitExceeded')
  throwsCode(() => wssx.pSha1(rnd(8), rnd(8), 0), 'InvalidArgument')
})

test('computedKey (CK/PSHA1) matches the reference P_SHA1(requestor, issuer)', () => {
  for (let i = 0; i < 100; i++) {
    const req = rnd(rint(1, 65))
    const iss = rnd(rint(1, 65))
    const bits = 8 * rint(1, 1025)
    const got = wssx.computedKey(req, iss, bits)
    assert.deepEqual(got, refPSha1(req, iss, 0, bits / 8), `bits ${bits}`)
  }
  // The common sizes.
  for (const bits of [128, 192, 256, 512]) {
    const req = rnd(32)
    const iss = rnd(32)
    assert.deepEqual(wssx.computedKey(req, iss, bits), refPSha1(req, iss, 0, bits / 8))
  }
})

test('computedKey refuses bad key sizes and empty entropy', () => {
  const a = rnd(16)
  const b = rnd(16)
  throwsCode(() => wssx.computedKey(a, b, 0), 'InvalidArgument')
  throwsCode(() => wssx.computedKey(a, b, 12), 'InvalidArgument')
  throwsCode(() => wssx.computedKey(a, b, 8200), 'LimitExceeded')
  throwsCode(() => wssx.computedKey(a, b, 2 ** 40), 'LimitExceeded')
  throwsCode(() => wssx.computedKey(a, b, 256.5), 'InvalidArgument')
  throwsCode(() => wssx.computedKey(a, b, -256), 'InvalidArgument')
  throwsCode(() => wssx.computedKey(Buffer.alloc(0), b, 256), 'InvalidArgument')
  throwsCode(() => wssx.computedKey(a, Buffer.alloc(0), 256), 'InvalidArgument')
})

test('randomBytes', () => {
  const a = wssx.randomBytes(32)
  const b = wssx.randomBytes(32)
  assert.ok(Buffer.isBuffer(a))
  assert.equal(a.length, 32)
  assert.notDeepEqual(a, b)
  assert.equal(wssx.randomBytes(0).length, 0)
  assert.equal(wssx.randomBytes(wssx.MAX_RANDOM_BYTES).length, wssx.MAX_RANDOM_BYTES)
  throwsCode(() => wssx.randomBytes(wssx.MAX_RANDOM_BYTES + 1), 'LimitExceeded')
  throwsCode(() => wssx.randomBytes(2 ** 53 - 1), 'LimitExceeded')
  for (const bad of [-1, 1.5, NaN, Infinity, '3', 3n, null, undefined, {}]) {
    throwsCode(() => wssx.randomBytes(bad), 'InvalidArgument')
  }
})

test('outputs are fresh Buffers the caller owns', () => {
  const s = rnd(16)
  const n = rnd(16)
  const k = wssx.deriveKey(s, undefined, n, 0, 32)
  k.fill(0)
  assert.notDeepEqual(wssx.deriveKey(s, undefined, n, 0, 32), k)
})

// HMAC-SHA1 spelled out (RFC 2104 over node:crypto's plain SHA-1), so the first test leans
// on neither wssx nor createHmac.
function hmacByHand(key, data) {
  const B = 64
  let k = Buffer.from(key)
  if (k.length > B) k = createHash('sha1').update(k).digest()
  k = Buffer.concat([k, Buffer.alloc(B - k.length)])
  const ipad = Buffer.from(k.map((x) => x ^ 0x36))
  const opad = Buffer.from(k.map((x) => x ^ 0x5c))
  const inner = createHash('sha1').update(ipad).update(data).digest()
  return createHash('sha1').update(opad).update(inner).digest()
}
