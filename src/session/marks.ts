/**
 * @module
 * Idle marks: a signed-in request moves the session's `lastSeenAt` (and a re-check its
 * `checkedUntil`); this isolate writes them to KV at most once every five minutes per session, merged into
 * what KV holds then.
 */
import type { KeepAliveDeps } from './keep-alive-deps'
import { IDLE_MARK_INTERVAL_SECONDS } from './lifetime'
import { endSession, isEnded } from './remembered'
import { getSession, saveSession, type SessionRecord } from './session-store'

/**
 * What to write back for an idle mark or an introspection: the stored record (another isolate may
 * have refreshed its tokens since this one read it; writing older tokens back would lose a rotated
 * refresh token) with the later `lastSeenAt`, and `checkedUntil` only when it is about the same
 * access token.
 */
export function mergeMarks(stored: SessionRecord, marked: SessionRecord): SessionRecord {
  const sameToken = stored.tokens.accessToken === marked.tokens.accessToken
  return {
    ...stored,
    lastSeenAt: Math.max(stored.lastSeenAt ?? 0, marked.lastSeenAt ?? 0),
    ...(sameToken && {
      checkedUntil: Math.max(stored.checkedUntil ?? 0, marked.checkedUntil ?? 0),
    }),
  }
}

/**
 * Keeps the marks of `record` in this isolate's copy at once, and writes them (merged into what
 * KV holds) in the background, at most once per `IDLE_MARK_INTERVAL_SECONDS` per session.
 */
export function markSession(
  id: string,
  record: SessionRecord,
  deps: KeepAliveDeps,
  nowSeconds: number
): void {
  const { config, memory } = deps
  memory.sessions.update(id, record, nowSeconds)
  if (memory.marking.get(id, nowSeconds)) return
  memory.marking.set(id, true, nowSeconds + IDLE_MARK_INTERVAL_SECONDS)
  deps.background(
    (async function writeMarks() {
      const stored = await getSession(config.sessions, id)
      if (isEnded(id, deps, nowSeconds)) return
      // Ended elsewhere (sign-out in another isolate): do not bring it back.
      if (!stored) return endSession(id, deps, 'ended_elsewhere')
      const merged = mergeMarks(stored, record)
      await saveSession(config.sessions, id, merged, config.sessionMaxAgeSeconds, nowSeconds)
    })()
  )
}
