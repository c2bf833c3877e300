/**
 * @module
 * The key a per-client rate limit counts under, from `CF-Connecting-IP`: an IPv4 address as it
 * is; an IPv6 address by its /64 prefix, since one host (or one customer line, RFC 6177) holds a
 * whole /64 and could otherwise use a new address for every request. An IPv4-mapped IPv6 address
 * (RFC 4291 2.5.5.2) counts as its IPv4 address.
 */

/** Hexadecimal groups of an IPv6 address, `::` expanded (8 groups), or null when not one. */
function ipv6Groups(address: string): string[] | null {
  const halves = address.toLowerCase().split('::')
  if (halves.length > 2) return null
  const part = (s: string | undefined) => (s ? s.split(':') : [])
  const head = part(halves[0])
  const tail = part(halves[1])
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail]
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups : null
}

/**
 * The rate-limit key of the client address `address` (`CF-Connecting-IP`).
 * @returns the IPv4 address; `<first four groups>::/64` for IPv6; the value itself when it is
 * neither (still one key per value); `unknown` without one.
 */
export function clientLimitKey(address: string | undefined): string {
  if (!address) return 'unknown'
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped) return mapped[1]!
  if (!address.includes(':')) return address
  const groups = ipv6Groups(address)
  if (!groups) return address
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
