import { describe, expect, it } from 'vitest'
import { clientLimitKey } from '../../src/utils/client-address'

describe('the rate-limit key of a client address', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['not an address', 'not an address'],
    ['1::2::3', '1::2::3'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(clientLimitKey(address)).toBe(key)
  })
})
