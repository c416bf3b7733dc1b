// wssx demo, Node face: derive the key a DerivedKeyToken names from the context secret.
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
const require = createRequire(import.meta.url)
const wssx = require(process.env.WSSX_NODE || '../bindings/node')

const [dktFile, secretHex] = process.argv.slice(2)
const secret = Buffer.from(secretHex, 'hex')
const dkt = wssx.DerivedKeyToken.fromXml(readFileSync(dktFile))
const key = dkt.derive(secret)
console.log('Node    ' + key.toString('hex'))
const direct = wssx.deriveKey(secret, wssx.DEFAULT_LABEL, dkt.nonce, 0, key.length)
console.log('Node-raw' + direct.toString('hex'))
try {
  wssx.deriveKey(secret, wssx.DEFAULT_LABEL, dkt.nonce, 2 ** 40, 32)
} catch (e) {
  console.log(`Node-bad offset 2^40 -> ${e.code}: ${e.message}`)
}
