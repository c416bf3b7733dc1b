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
module.exports.SecurityContextToken = native.SecurityContextToken
module.exports.DerivedKeyToken = native.DerivedKeyToken
module.exports.VerifyReport = native.VerifyReport
module.exports.deriveKey = native.deriveKey
module.exports.computedKey = native.computedKey
module.exports.pSha1 = native.pSha1
module.exports.randomBytes = native.randomBytes
module.exports.inspect = native.inspect
module.exports.sign = native.sign
module.exports.encrypt = native.encrypt
module.exports.signAndEncrypt = native.signAndEncrypt
module.exports.verify = native.verify
module.exports.c14n = native.c14n
module.exports.errorCodes = native.errorCodes
