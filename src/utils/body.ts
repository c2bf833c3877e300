/**
 * @module
 * Reading a small request body with a bound: {@link readTextUpTo} stops pulling the stream once
 * it has more than the endpoint takes, so a large body (Workers let one be 100 MB) is never held
 * in the isolate's memory (128 MB, shared by every request) for an answer of 400.
 */

/**
 * The body of `request` as UTF-8 text, when it is at most `maxBytes` bytes.
 * @returns the text ('' without a body), or null when it is longer (the rest is not read: the
 * stream is cancelled).
 */
export async function readTextUpTo(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > maxBytes) {
    await request.body?.cancel()
    return null
  }
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}
