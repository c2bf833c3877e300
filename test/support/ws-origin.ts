/**
 * A WebSocket origin for the tests (runs in Node): answers every upgrade with `101 Switching
 * Protocols` (RFC 6455 4.2.2), then sends one text frame naming the user it was told
 * (`X-Auth-Request-User`) and whether an assertion came. Nothing else: enough to show that a
 * signed-in WebSocket goes through the proxy.
 */
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** Starts the WebSocket origin on 127.0.0.1, on a free port. */
export async function startWsOrigin(): Promise<{ url: string; close(): Promise<void> }> {
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
      })
    )
    // One unmasked text frame (FIN, opcode 1), payload under 126 bytes.
    socket.write(Buffer.concat([Buffer.from([0x81, text.length]), text]))
    socket.on('error', () => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
