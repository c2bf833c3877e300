import { describe, expect, inject, it } from 'vitest'
import { SITE } from '../helpers/harness'
import { api, world } from '../helpers/session-world'

const MB = 1024 * 1024
const CHUNK = 64 * 1024
const TOTAL = 100 * MB

/**
 * A generated body of `total` bytes in 64 KiB chunks, made only when pulled (highWaterMark 0), with
 * the bytes made so far: comparing them with the bytes read shows what sits buffered in between.
 */
function generatedBody(total = TOTAL) {
  const state = { made: 0 }
  const chunk = new Uint8Array(CHUNK).fill(120)
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.made >= total) return controller.close()
        const piece = total - state.made >= CHUNK ? chunk : chunk.subarray(0, total - state.made)
        state.made += piece.length
        controller.enqueue(piece.slice())
      },
    },
    { highWaterMark: 0 }
  )
  return { stream, state }
}

/** Reads `body` to its end; returns the bytes read and the most bytes made but not yet read. */
async function drain(body: ReadableStream<Uint8Array>, made: () => number) {
  const reader = body.getReader()
  let read = 0
  let maxAhead = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    read += value.byteLength
    maxAhead = Math.max(maxAhead, made() - read)
  }
  return { read, maxAhead }
}

describe('a 100 MB body', () => {
  it('upload: the request body stream is passed on as it is, read as the origin reads it', async () => {
    const seen: { sameStream?: boolean; read?: number; maxAhead?: number } = {}
    const { stream, state } = generatedBody()
    let sent: Request | undefined
    const origin: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname !== '/upload') return fetch(input, init)
      seen.sameStream = init?.body === sent!.body
      Object.assign(seen, await drain(init!.body as ReadableStream<Uint8Array>, () => state.made))
      return Response.json({ ok: true })
    }
    const w = world({}, origin)
    const { cookie } = await w.signIn('ulla')
    sent = new Request(`${SITE}/upload`, {
      method: 'POST',
      headers: { cookie, accept: 'application/json', 'content-type': 'application/octet-stream' },
      body: stream,
    })
    const res = await w.send(sent)
    expect(res.status).toBe(200)
    expect(seen.sameStream).toBe(true)
    expect(seen.read).toBe(TOTAL)
    // At most a few chunks were ever made ahead of what the origin read: nothing buffered.
    expect(seen.maxAhead).toBeLessThanOrEqual(2 * CHUNK)
  })

  it('download: the origin body streams out, made only as the client reads it', async () => {
    const { stream, state } = generatedBody()
    const origin: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname !== '/download') return fetch(input, init)
      return new Response(stream, { headers: { 'content-type': 'application/octet-stream' } })
    }
    const w = world({}, origin)
    const { cookie } = await w.signIn('dora')
    const res = await w.send(api(cookie, '/download'))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toMatch(/private/)
    // The answer's headers came with (almost) nothing made yet.
    expect(state.made).toBeLessThanOrEqual(2 * CHUNK)
    const { read, maxAhead } = await drain(res.body!, () => state.made)
    expect(read).toBe(TOTAL)
    expect(maxAhead).toBeLessThanOrEqual(2 * CHUNK)
  })

  it('upload and download through a real loopback origin (workerd fetch both ways)', async () => {
    const w = world({ ORIGIN_URL: inject('faultOriginUrl') })
    const { cookie } = await w.signIn('rhea')
    const { stream } = generatedBody()
    const up = await w.send(
      new Request(`${SITE}/upload`, {
        method: 'POST',
        headers: { cookie, accept: 'application/json' },
        body: stream,
      })
    )
    expect(up.status).toBe(200)
    expect(((await up.json()) as { bytes: number }).bytes).toBe(TOTAL)
    const down = await w.send(api(cookie, `/download?bytes=${TOTAL}`))
    expect(down.status).toBe(200)
    expect((await drain(down.body!, () => 0)).read).toBe(TOTAL)
  })
})

describe('server-sent events', () => {
  it('reach the client as they are sent, before the origin has finished', async () => {
    const w = world({ ORIGIN_URL: inject('faultOriginUrl') })
    const { cookie } = await w.signIn('eve')
    // The origin sends one event and then holds the stream open for good.
    const res = await w.send(api(cookie, '/sse', { accept: 'text/event-stream' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.getReader()
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toBe('event: hello\ndata: first\n\n')
    await reader.cancel()
  })
})
