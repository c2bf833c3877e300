import { describe, expect, it } from 'vitest'
import { world } from '../helpers/session-world'

const CHUNK = 64 * 1024

/** A form body of `total` bytes, made 64 KiB at a time only when the reader pulls. */
function generatedForm(total: number) {
  const state = { made: 0 }
  const chunk = new TextEncoder().encode('x'.repeat(CHUNK))
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.made >= total) return controller.close()
        state.made += CHUNK
        controller.enqueue(state.made === CHUNK ? new TextEncoder().encode('logout_token=') : chunk)
      },
    },
    { highWaterMark: 0 }
  )
  return { stream, state }
}

describe('POST /_auth/backchannel-logout with a huge body', () => {
  it('is refused past 16 KiB without being read to the end (anyone may POST here)', async () => {
    const w = world()
    const { stream, state } = generatedForm(16 * 1024 * 1024)
    const res = await w.send(
      new Request('https://proxy.test/_auth/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: stream,
      })
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
    expect(state.made).toBeLessThan(1024 * 1024)
  })
})
