// The package as a whole: loading (main thread, worker threads, ESM import), versions.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { pkgDir, refDerive, wssx } from './helpers.mjs'

test('VERSION is the package version', () => {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  assert.equal(wssx.VERSION, pkg.version)
})

test('ES modules can import every export by name', async () => {
  const mod = await import(join(pkgDir, 'index.js'))
  assert.equal(mod.default, wssx)
  const named = Object.keys(mod).filter((k) => k !== 'default').sort()
  assert.deepEqual(named, Object.keys(wssx).sort(), 'index.js must assign every addon export by name')
  for (const k of named) assert.equal(mod[k], wssx[k], k)
  const { deriveKey, DerivedKeyToken } = mod
  assert.equal(typeof deriveKey, 'function')
  assert.equal(typeof DerivedKeyToken.fromXml, 'function')
})

test('the addon loads and works in worker threads, errors included', async () => {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads')
    const w = require(workerData.pkgDir)
    const key = w.deriveKey(Buffer.from(workerData.secret), undefined, Buffer.from(workerData.nonce), 33, 45)
    let code = null
    try { w.inspect('<a') } catch (e) { code = e.code }
    const sct = w.SecurityContextToken.generate('2005/02')
    const dkt = w.DerivedKeyToken.forContext(sct, { by: 'identifier' })
    parentPort.postMessage({ key: Buffer.from(key).toString('hex'), code, dk: dkt.derive(Buffer.from(workerData.secret)).length })
  `
  const secret = [1, 2, 3, 4, 5, 6, 7, 8]
  const nonce = [9, 10, 11, 12]
  const runs = await Promise.all(
    [0, 1, 2].map(
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(src, { eval: true, workerData: { pkgDir, secret, nonce } })
          w.once('message', resolve)
          w.once('error', reject)
        }),
    ),
  )
  const want = refDerive(Buffer.from(secret), wssx.DEFAULT_LABEL, Buffer.from(nonce), 33, 45).toString('hex')
  for (const r of runs) assert.deepEqual(r, { key: want, code: 'MalformedXml', dk: 32 })
})
