/**
 * @module
 * The Durable Object behind each session's authority (session/authority.ts): one object per
 * session, named `session:<id>`, SQLite-backed (on the Free plan). It is single-threaded and
 * unique worldwide, so what it says is what every isolate sees: whether the session lives, its
 * current tokens (one refresh at a time, the others wait for the lease holder's outcome), and the
 * latest use. It keeps one record under `session` (docs/storage.md) and deletes it by an alarm at
 * the session's absolute end. Times come from the caller (the app's clock). The same class serves
 * as an index of sessions (`user:…`, `sid:…`: {@link SessionIndex}), whose members it ends
 * through their own objects.
 */
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../config'
import {
  authorityFor,
  ended,
  REFRESH_LEASE_SECONDS,
  stateOf,
  type AuthorityRecord,
  type EndedState,
  type LiveState,
  type RefreshOutcome,
  type RefreshStart,
  type SessionAuthority,
  type SessionIndex,
} from '../session/authority'
import type { SessionTokens } from '../session/session-store'
import { IDLE_MARK_INTERVAL_SECONDS } from '../session/lifetime'
import { randomId } from '../utils/crypto'

/** The storage key of the one record (session role). */
const KEY = 'session'
/** The storage key prefix of an index's members (index role). */
const MEMBER = 'member:'

/** A refresh in progress: its id, until when it holds, and how waiters learn its outcome. */
interface Lease {
  id: string
  until: number
  done: Promise<RefreshStart>
  settle(outcome: RefreshStart): void
}

/** One session's authority (see the module comment). */
export class SessionAuthorityObject
  extends DurableObject<Env>
  implements SessionAuthority, SessionIndex
{
  /** The stored record, once read (`null`: not read yet; `undefined`: none). */
  #record: AuthorityRecord | undefined | null = null
  #lease: Lease | undefined

  async #load(): Promise<AuthorityRecord | undefined> {
    if (this.#record === null) this.#record = await this.ctx.storage.get<AuthorityRecord>(KEY)
    return this.#record
  }

  async #save(record: AuthorityRecord): Promise<void> {
    this.#record = record
    await this.ctx.storage.put(KEY, record)
  }

  /** Registers a new session; a known one (live or ended) is left as it is. */
  async register(input: Omit<AuthorityRecord, 'v' | 'status'>): Promise<void> {
    if (await this.#load()) return
    await this.#save({ v: 1, status: 'live', ...input })
    await this.ctx.storage.setAlarm(input.until * 1000)
  }

  /**
   * Live or ended, with the latest use before this one; the use at `nowSeconds` is stored when it
   * moves `lastSeenAt` by 5 minutes (in memory otherwise).
   */
  async check(nowSeconds: number): Promise<LiveState | EndedState> {
    const record = await this.#load()
    const state = stateOf(record, nowSeconds)
    if (!state.live || !record) return state
    if (nowSeconds - record.lastSeenAt >= IDLE_MARK_INTERVAL_SECONDS) {
      await this.#save({ ...record, lastSeenAt: nowSeconds })
    } else if (nowSeconds > record.lastSeenAt) {
      // Kept in memory only: stored with the next five-minute move (or lost with the object).
      this.#record = { ...record, lastSeenAt: nowSeconds }
    }
    // The use before this one: the caller decides whether the session was idle until now.
    return state
  }

  /** See {@link SessionAuthority.beginRefresh}. */
  async beginRefresh(accessToken: string, nowSeconds: number): Promise<RefreshStart> {
    const record = await this.#load()
    const state = stateOf(record, nowSeconds)
    if (!state.live) return state
    if (state.tokens.accessToken !== accessToken) return state
    const held = this.#lease
    if (held && held.until > nowSeconds) {
      // A lease holder that never reports (its isolate went away) holds waiters for one lease at
      // most: then they fail (503) and the next caller takes a new lease.
      let timer: ReturnType<typeof setTimeout> | undefined
      const expired = new Promise<RefreshStart>((resolve) => {
        timer = setTimeout(
          () => resolve({ live: true, failed: true }),
          REFRESH_LEASE_SECONDS * 1000
        )
      })
      return Promise.race([held.done, expired]).finally(() => timer && clearTimeout(timer))
    }
    let settle!: (outcome: RefreshStart) => void
    const done = new Promise<RefreshStart>((resolve) => (settle = resolve))
    const lease = { id: randomId(16), until: nowSeconds + REFRESH_LEASE_SECONDS, done, settle }
    this.#lease = lease
    return { live: true, lease: lease.id, tokens: state.tokens }
  }

  /** See {@link SessionAuthority.finishRefresh}. */
  async finishRefresh(
    lease: string,
    outcome: RefreshOutcome,
    nowSeconds: number
  ): Promise<LiveState | EndedState> {
    const record = await this.#load()
    let result: RefreshStart
    if (!record) result = { live: false }
    else if ('ended' in outcome) {
      await this.#save(ended(record, outcome.ended))
      result = { live: false }
    } else if ('failed' in outcome) {
      result = { live: true, failed: true }
    } else if (stateOf(record, nowSeconds).live) {
      await this.#save({ ...record, tokens: outcome.tokens, claims: outcome.claims })
      result = stateOf(this.#record!, nowSeconds)
    } else {
      result = { live: false } // ended while the refresh ran: the new tokens are refused
    }
    if (this.#lease?.id === lease) {
      this.#lease.settle(result)
      this.#lease = undefined
    }
    return 'failed' in result ? stateOf(record, nowSeconds) : (result as LiveState | EndedState)
  }

  /** See {@link SessionAuthority.end}. */
  async end(reason: string): Promise<{ tokens?: AuthorityRecord['tokens']; unknown?: true }> {
    const record = await this.#load()
    if (!record) return { unknown: true }
    const tokens = record.status === 'live' ? record.tokens : undefined
    await this.#save(ended(record, reason))
    this.#lease?.settle({ live: false })
    this.#lease = undefined
    return tokens ? { tokens } : {}
  }

  /** See {@link SessionIndex.add} (index role: one `member:<id>` key per session). */
  async add(id: string, until: number): Promise<void> {
    await this.ctx.storage.put(`${MEMBER}${id}`, until)
    const alarm = await this.ctx.storage.getAlarm()
    if (alarm === null || alarm < until * 1000) await this.ctx.storage.setAlarm(until * 1000)
  }

  /** See {@link SessionIndex.endAll}. */
  async endAll(reason: string): Promise<{ ended: number; ids: string[]; tokens: SessionTokens[] }> {
    const members = await this.ctx.storage.list<number>({ prefix: MEMBER })
    const tokens: SessionTokens[] = []
    const ids: string[] = []
    for (const key of members.keys()) {
      const id = key.slice(MEMBER.length)
      const result = await authorityFor(this.env.SESSION_AUTHORITY, id).end(reason)
      if (result.tokens) {
        ids.push(id)
        tokens.push(result.tokens)
      }
      // Ended now or before: nothing more to end, so the index does not grow with old sign-ins.
      // One its authority does not know yet (a sign-in registering it now) is kept for next time.
      if (!result.unknown) await this.ctx.storage.delete(key)
    }
    return { ended: ids.length, ids, tokens }
  }

  /** The session's absolute end (or the last member's): nothing is kept past it. */
  override async alarm(): Promise<void> {
    this.#record = undefined
    await this.ctx.storage.deleteAll()
  }
}
