/**
 * @module
 * A small in-memory storage adapter for the demo provider (oidc-provider's `Adapter` interface).
 * oidc-provider has one built in, but warns loudly when it is used; this one is the same idea,
 * stated openly: everything is lost when the process stops, which is what a demo wants.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider'

interface Entry {
  payload: AdapterPayload
  /** Epoch milliseconds, or Infinity. */
  expiresAt: number
}

/**
 * The models oidc-provider revokes by grant (`revokeByGrantId`, one call per model). Others carry a
 * `grantId` too (an `Interaction` for a client already granted) but are not the grant's to revoke:
 * a sign-in as another account ends the old session, and must not take its own interaction along.
 */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
])

const entries = new Map<string, Entry>()
/** `<model>:<grantId>` -> the keys of that model's entries of that grant. */
const byGrant = new Map<string, Set<string>>()
const byUid = new Map<string, string>()
const byUserCode = new Map<string, string>()

/** In-memory storage for one oidc-provider model (`AccessToken`, `Session`, ...). */
export class MemoryAdapter implements Adapter {
  private readonly model: string
  constructor(model: string) {
    this.model = model
  }

  private key(id: string) {
    return `${this.model}:${id}`
  }

  async upsert(id: string, payload: AdapterPayload, expiresInSeconds: number): Promise<void> {
    const key = this.key(id)
    entries.set(key, {
      payload,
      expiresAt: expiresInSeconds ? Date.now() + expiresInSeconds * 1000 : Infinity,
    })
    if (payload.grantId && GRANTABLE.has(this.model)) {
      const grantKey = this.key(payload.grantId)
      const keys = byGrant.get(grantKey) ?? new Set<string>()
      keys.add(key)
      byGrant.set(grantKey, keys)
    }
    if (payload.uid) byUid.set(payload.uid, id)
    if (payload.userCode) byUserCode.set(payload.userCode, id)
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const entry = entries.get(this.key(id))
    if (!entry) return undefined
    if (entry.expiresAt <= Date.now()) {
      entries.delete(this.key(id))
      return undefined
    }
    return entry.payload
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = byUid.get(uid)
    return id === undefined ? undefined : this.find(id)
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = byUserCode.get(userCode)
    return id === undefined ? undefined : this.find(id)
  }

  async consume(id: string): Promise<void> {
    const entry = entries.get(this.key(id))
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000)
  }

  async destroy(id: string): Promise<void> {
    entries.delete(this.key(id))
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.key(grantId)
    for (const key of byGrant.get(grantKey) ?? []) entries.delete(key)
    byGrant.delete(grantKey)
  }
}
