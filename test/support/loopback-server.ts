/**
 * Listening on loopback for the tests' servers (runs in Node): a free port on 127.0.0.1, and a
 * `close()` that ends the sockets the server no longer tracks itself (held or upgraded ones).
 */
import type { Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A started test server: its base URL and how to stop it. */
export interface LoopbackServer {
  url: string
  close(): Promise<void>
}

/**
 * Starts `server` on 127.0.0.1 on a free port.
 * @param sockets sockets the caller tracks; `close()` destroys them before closing the server.
 */
export async function listenOnLoopback(
  server: Server,
  sockets: Set<Socket>
): Promise<LoopbackServer> {
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
