// wssx demo client (Node face): obtain a security context from an HTTP token service, talk
// to the application endpoint with it, renew, amend and cancel it, and show that the
// cancelled context is refused. Written for demo/sts_server.py (POST /sts, POST /app).
//
//   node demo/client.mjs http://127.0.0.1:PORT [1.3|2005/02]
//
// The protocol work is synchronous and sans I/O (wssx.Requestor); `fetch` is the
// transport, and `requestor.obtain` / `requestor.send` move the bytes.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const wssx = require(process.env.WSSX_NODE || join(dirname(fileURLToPath(import.meta.url)), '..', 'bindings', 'node'))

const base = process.argv[2]
const trustVersion = process.argv[3] ?? '1.3'
if (!base) {
  console.error('usage: node client.mjs http://127.0.0.1:PORT [1.3|2005/02]')
  process.exit(2)
}
const say = (msg) => console.log(`  [node client] ${msg}`)

/** POST a request to the token service; faults come back with HTTP 500 and are read too. */
const transport = (request) =>
  fetch(`${base}/sts`, {
    method: 'POST',
    headers: { 'content-type': request.contentType, ...(request.soapAction ? { SOAPAction: request.soapAction } : {}) },
    body: request.envelope,
  })

/** Call the application endpoint with a message signed and encrypted with `ctx`. */
async function appCall(ctx, text) {
  const env = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:Echo xmlns:m="urn:wssx:demo"><m:Text>${text}</m:Text></m:Echo></s:Body></s:Envelope>`
  const response = await fetch(`${base}/app`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: ctx.signAndEncrypt(env) })
  const reply = Buffer.from(await response.arrayBuffer())
  if (!response.ok) throw wssx.Fault.fromXml(reply).toError()
  return ctx.verify(reply)
}

const requestor = new wssx.Requestor({ to: `${base}/sts`, trustVersion })
let ctx = await requestor.obtain(transport)
say(`issued ${ctx.identifier}, ${ctx.secret.length * 8}-bit key, expires ${ctx.expires.toISOString()}`)
const r = await appCall(ctx, 'hello from Node')
say(`reply verified: body signed=${r.bodySigned} decrypted=${r.bodyDecrypted}`)
ctx = (await requestor.send(transport, requestor.renew(ctx))).context
say(`renewed: new instance ${ctx.instance}`)
await appCall(ctx, 'after renewal')
await requestor.send(transport, requestor.amend(ctx))
say('amended')
const valid = await requestor.send(transport, requestor.validate(ctx))
say(`validated: valid=${valid.valid}`)
// Keep a copy of the key: after the cancel, send with it anyway to show the service refuses.
const stale = new wssx.SecurityContext({ sct: ctx.sct, secret: ctx.secret, trustVersion: ctx.trustVersion })
await requestor.send(transport, requestor.cancel(ctx))
say(`cancelled (the context object now refuses use: cancelled=${ctx.cancelled})`)
try {
  await appCall(stale, 'after cancel')
  say('ERROR: cancelled context accepted')
  process.exit(1)
} catch (e) {
  say(`cancelled context refused: ${e.code}`)
}
