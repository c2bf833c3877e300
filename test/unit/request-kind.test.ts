import { describe, expect, it } from 'vitest'
import { isNavigation, wantsHtml } from '../../src/utils/request-kind'

const req = (method: string, headers: Record<string, string>) =>
  new Request('https://proxy.test/x', { method, headers })

describe('isNavigation', () => {
  it.each([
    ['GET', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, true],
    ['HEAD', { accept: 'text/html' }, true],
    ['GET', { 'sec-fetch-mode': 'navigate' }, true],
    ['GET', { accept: 'TEXT/HTML' }, true],
    ['GET', { accept: 'application/json' }, false],
    ['GET', { accept: '*/*' }, false],
    ['GET', {}, false],
    ['GET', { 'sec-fetch-mode': 'cors', accept: 'application/json' }, false],
    ['POST', { accept: 'text/html', 'sec-fetch-mode': 'navigate' }, false],
    ['PUT', { accept: 'text/html' }, false],
  ])('%s %o -> %s', (method, headers, expected) => {
    expect(isNavigation(req(method, headers))).toBe(expected)
  })
})

describe('wantsHtml', () => {
  it.each([
    ['POST', { accept: 'text/html,*/*' }, true],
    ['POST', { 'sec-fetch-mode': 'navigate' }, true],
    ['GET', { accept: 'text/html' }, true],
    ['POST', { accept: 'application/json' }, false],
    ['DELETE', {}, false],
  ])('%s %o -> %s', (method, headers, expected) => {
    expect(wantsHtml(req(method, headers))).toBe(expected)
  })
})
