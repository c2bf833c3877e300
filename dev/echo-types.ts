/** The echo origin's JSON answer (see origin.ts); no Node types, so worker tests can import it. */

/** What the echo origin received, as it answers in JSON. */
export interface EchoedRequest {
  method: string
  path: string
  query: Record<string, string[]>
  /** Header names in lower case; repeated headers as Node joins them. */
  headers: Record<string, string | string[] | undefined>
  /** The request body as UTF-8 text (at most the first 64 KiB). */
  body: string
  bodyBytes: number
  /** The check of `X-Auth-Request-Jwt`, when the origin was started to verify it. */
  assertion?:
    { verified: true; claims: Record<string, unknown> } | { verified: false; error: string }
}
