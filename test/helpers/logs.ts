/**
 * What the proxy logged: the JSON lines written to the console while some work ran, and a fake
 * Analytics Engine binding that keeps the data points written to it.
 */
import { vi } from 'vitest'

/** One JSON log line (src/log.ts). */
export type LogLine = Record<string, unknown>

/** The JSON log lines written while `work` runs, and its result. */
export async function logsOf<T>(work: () => Promise<T>): Promise<LogLine[]> {
  return (await withLogs(work)).lines
}

/** `work`'s result and the JSON log lines written while it ran. */
export async function withLogs<T>(
  work: () => Promise<T>
): Promise<{ result: T; lines: LogLine[] }> {
  const raw: string[] = []
  const spies = (['log', 'warn', 'error'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((line: unknown) => {
      raw.push(String(line))
    })
  )
  let result: T
  try {
    result = await work()
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
  const lines = raw.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine]
    } catch {
      return []
    }
  })
  return { result, lines }
}

/** The lines of one `event`. */
export const eventsOf = (lines: LogLine[], event: string) => lines.filter((l) => l.event === event)

/** A fake `METRICS` binding (Workers Analytics Engine) and the points written to it. */
export function fakeDataset() {
  const points: AnalyticsEngineDataPoint[] = []
  return {
    points,
    METRICS: { writeDataPoint: (p?: AnalyticsEngineDataPoint) => void points.push(p!) },
    /** The events written, as `[event, code]` pairs. */
    events: () => points.map((p) => p.blobs as string[]),
  }
}
