/**
 * A WebSocket origin for the tests (runs in Node): answers every upgrade with `101 Switching
 * Protocols` (RFC 6455 4.2.2), then sends one text frame naming the user it was told
 * (`X-Auth-Request-User`), whether an assertion came and the `Cookie` it got; then echoes every
 * text frame the client sends as `echo:<text>`. Enough to show that a signed-in WebSocket goes
 * through the proxy and frames flow both ways.
 */
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import { listenOnLoopback, type LoopbackServer } from './loopback-server.ts'

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** One unmasked text frame (FIN, opcode 1), payload under 64 KiB. */
function frame(payload: Buffer): Buffer {
  if (payload.length < 126) return Buffer.concat([Buffer.from([0x81, payload.length]), payload])
  const head = Buffer.from([0x81, 126, 0, 0])
  head.writeUInt16BE(payload.length, 2)
  return Buffer.concat([head, payload])
}

/** The first whole client frame (masked, RFC 6455 5.3) in `buf`, or null when incomplete. */
function parseFrame(buf: Buffer): { opcode: number; payload: string; size: number } | null {
  if (buf.length < 2) return null
  let length = buf[1]! & 0x7f
  let offset = 2
  if (length === 126) {
    if (buf.length < 4) return null
    length = buf.readUInt16BE(2)
    offset = 4
  }
  const masked = (buf[1]! & 0x80) !== 0
  const maskAt = offset
  if (masked) offset += 4
  if (buf.length < offset + length) return null
  const payload = Buffer.from(buf.subarray(offset, offset + length))
  if (masked) for (let i = 0; i < length; i++) payload[i]! ^= buf[maskAt + (i % 4)]!
  return { opcode: buf[0]! & 0x0f, payload: payload.toString('utf8'), size: offset + length }
}

/** Starts the WebSocket origin on 127.0.0.1, on a free port. */
export async function startWsOrigin(): Promise<LoopbackServer> {
  const server = createServer((_req, res) => res.writeHead(426).end())
  // Upgraded sockets leave the server's bookkeeping: kept here so close() ends them.
  const sockets = new Set<Socket>()
  server.on('upgrade', (req, socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    const key = String(req.headers['sec-websocket-key'] ?? '')
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64')
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`
    )
    const text = Buffer.from(
      JSON.stringify({
        user: req.headers['x-auth-request-user'] ?? null,
        assertion: typeof req.headers['x-auth-request-jwt'] === 'string',
        cookie: req.headers.cookie ?? null,
      })
    )
    socket.write(frame(text))
    let pending = Buffer.alloc(0)
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data])
      for (let parsed = parseFrame(pending); parsed; parsed = parseFrame(pending)) {
        pending = pending.subarray(parsed.size)
        if (parsed.opcode === 1) socket.write(frame(Buffer.from(`echo:${parsed.payload}`)))
        if (parsed.opcode === 8) socket.end(Buffer.from([0x88, 0]))
      }
    })
    socket.on('error', () => socket.destroy())
  })
  return listenOnLoopback(server, sockets)
}
