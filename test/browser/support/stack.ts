/**
 * @module
 * The stack `npm start` runs (dev/stack.ts), started for one test file on free ports with a private
 * KV directory, and helpers that read what its provider and origin saw.
 */
import { afterAll, beforeAll } from 'vitest'
import type { RecordedIdpRequest } from '../../../dev/idp.ts'
import { startStack, type RunningStack, type StackOptions } from '../../../dev/stack.ts'

/** The file's stack, once started (call it inside tests and hooks). */
export type StackHandle = () => RunningStack

/**
 * Starts the stack before the file's first test and stops it after its last. The provider keeps
 * its request log; wrangler's output is kept and printed only when the start fails.
 */
export function useStack(options: Omit<StackOptions, 'output'> = {}): StackHandle {
  let stack: RunningStack | undefined
  beforeAll(async () => {
    stack = await startStack({ recordRequests: true, ...options, output: 'quiet' })
  })
  afterAll(async () => {
    await stack?.close()
  })
  return () => {
    if (!stack) throw new Error('useStack(): the stack is not started yet')
    return stack
  }
}

/** Every protocol request the provider received so far (its `/_test/requests` log). */
export async function providerRequests(stack: RunningStack): Promise<RecordedIdpRequest[]> {
  const res = await fetch(`${stack.issuer}/_test/requests`)
  if (!res.ok) throw new Error(`provider request log: ${res.status}`)
  return (await res.json()) as RecordedIdpRequest[]
}
