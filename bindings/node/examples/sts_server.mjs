// wssx demo token service (Node face): a WS-SecureConversation token service and an
// application endpoint over HTTP on loopback, with node:http. The same endpoints as
// demo/sts_server.py, so any of the demo clients can use it.
//
//   POST /sts   WS-Trust (Feb 2005 or 1.3, SOAP 1.1 or 1.2): issue, renew, amend, cancel,
//               validate security context tokens (wssx.TokenService over a MemoryStore,
//               or with --js-store over a Map through the JS store hooks)
//   POST /app   an echo service: the request must be signed (and may be encrypted) with a
//               context the token service issued; the reply is signed and encrypted with it
//
//   node bindings/node/examples/sts_server.mjs PORT [--js-store]   (prints "ready")
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const wssx = require(join(dirname(fileURLToPath(import.meta.url)), '..'))

const port = Number(process.argv[2])
const log = (msg) => console.log(`  [node sts] ${msg}`)

/** A context store over a Map (core's ContextStore contract, rollover kept for good). */
function mapStore() {
  const m = new Map()
  return {
    get(id, instance) {
      const e = m.get(id)
      if (!e) return null
      if (e.cancelled) return 'cancelled'
      if (e.current.instance === instance) return e.current
      return e.previous.find((p) => p.instance === instance) ?? (instance === null ? e.current : null)
    },
    insert(ctx) {
      const e = m.get(ctx.identifier)
      if (e) {
        e.previous.push(e.current)
        e.current = ctx
      } else m.set(ctx.identifier, { current: ctx, previous: [], cancelled: false })
    },
    update(ctx) {
      const e = m.get(ctx.identifier)
      if (e.current.instance === ctx.instance) e.current = ctx
      else e.previous = e.previous.map((p) => (p.instance === ctx.instance ? ctx : p))
    },
    cancel(id) {
      const e = m.get(id)
      if (!e) return false
      Object.assign(e, { cancelled: true, current: null, previous: [] })
      return true
    },
  }
}

const store = process.argv.includes('--js-store') ? mapStore() : new wssx.MemoryStore()
// With a JS store, handle() runs on this (the JS) thread; with a MemoryStore it may run on
// the libuv pool (handleAsync).
const service = new wssx.TokenService(store, { contextLifetime: 600 })

function reply(res, status, contentType, body) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.length })
  res.end(body)
}

async function sts(body, res) {
  const r = service.usesJavascript ? service.handle(body) : await service.handleAsync(body)
  log(`${(r.operation ?? 'fault').padEnd(9)} -> HTTP ${r.status} ${r.action ?? ''} context=${r.context ?? '-'}`)
  reply(res, r.status, r.contentType, r.envelope)
}

function app(body, res) {
  const soap = body.includes('http://www.w3.org/2003/05/soap-envelope') ? '1.2' : '1.1'
  try {
    const report = service.verifyMessage(body)
    const signer = report.signerOf('Body')
    if (!signer) throw Object.assign(new Error('FailedAuthentication: app: the Body must be signed with a security context'), { code: 'FailedAuthentication' })
    const held = store.get(signer.identifier, signer.instance)
    const said = /<m:Text>(.*?)<\/m:Text>/.exec(report.envelope.toString())?.[1] ?? '?'
    log(`app: verified and decrypted a message signed by ${signer.identifier} (instance ${signer.instance}): '${said}'`)
    const echo = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:EchoResponse xmlns:m="urn:wssx:demo"><m:Text>echo: ${said}</m:Text></m:EchoResponse></s:Body></s:Envelope>`
    const sct = new wssx.SecurityContextToken(signer.identifier, held.version)
    sct.instance = signer.instance
    reply(res, 200, 'text/xml; charset=utf-8', wssx.signAndEncrypt(echo, sct, held.secret))
  } catch (e) {
    if (typeof e?.code !== 'string') throw e
    log(`app: refused: ${e.message}`)
    reply(res, 500, soap === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml', wssx.Fault.fromError(e, '1.3').toXml(soap))
  }
}

const server = createServer(async (req, res) => {
  const chunks = []
  for await (const c of req) chunks.push(c)
  const body = Buffer.concat(chunks)
  try {
    if (req.method === 'POST' && req.url.startsWith('/sts')) return await sts(body, res)
    if (req.method === 'POST' && req.url.startsWith('/app')) return app(body, res)
    reply(res, 404, 'text/plain', Buffer.from('no such endpoint\n'))
  } catch (e) {
    log(`internal error: ${e?.stack ?? e}`)
    reply(res, 500, 'text/plain', Buffer.from('internal error\n'))
  }
})
server.listen(port, '127.0.0.1', () => console.log('ready'))
