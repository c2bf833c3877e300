import { describe, expect, it } from 'vitest'
import { mergeMarks } from '../../src/session/marks'
import type { SessionRecord } from '../../src/session/session-store'

const base: SessionRecord = {
  v: 1,
  claims: { sub: 'a' },
  tokens: { accessToken: 'A1', refreshToken: 'R1', tokenType: 'bearer', expiresAt: 2000 },
  createdAt: 1000,
  lastSeenAt: 1000,
  checkedUntil: 1060,
}

describe('mergeMarks', () => {
  it('keeps tokens another isolate refreshed, and takes the later idle mark', () => {
    const stored = {
      ...base,
      tokens: { ...base.tokens, accessToken: 'A2', refreshToken: 'R2' },
      checkedUntil: 1100,
    }
    const marked = { ...base, lastSeenAt: 1090, checkedUntil: 1150 }
    expect(mergeMarks(stored, marked)).toEqual({ ...stored, lastSeenAt: 1090, checkedUntil: 1100 })
  })

  it('takes the later introspection mark for the same token', () => {
    expect(mergeMarks(base, { ...base, lastSeenAt: 1070, checkedUntil: 1130 })).toEqual({
      ...base,
      lastSeenAt: 1070,
      checkedUntil: 1130,
    })
  })
})
