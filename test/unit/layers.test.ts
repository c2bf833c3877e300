/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

// The dependency rule of docs/architecture.md, checked on the import graph of src/: a module
// imports only from its own layer or the layers below it; middleware/ and routes/ never import
// each other; Hono's Context stays in the layers that handle requests.

/** Every module under src/, as text (Vite reads them at build time: there is no fs in workerd). */
const sources = import.meta.glob<string>('../../src/**/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
})
const modules = new Map(
  Object.entries(sources).map(([file, text]) => [file.replace('../../src/', ''), text])
)

/** The layers, lowest first. A module's layer is its folder's, or its own for a root file. */
const LAYERS: readonly (readonly string[])[] = [
  ['utils/'],
  ['identity.ts', 'log.ts', 'oauth/', 'session/', 'cache/', 'access/'],
  ['errors.ts', 'config.ts', 'config/', 'proxy/', 'pages/'],
  ['types.ts', 'isolate-memory.ts', 'helper/'],
  ['middleware/', 'routes/'],
  ['app.ts', 'index.ts', 'objects/'],
]

function layerOf(path: string): number {
  const layer = LAYERS.findIndex((names) =>
    names.some((name) => (name.endsWith('/') ? path.startsWith(name) : path === name))
  )
  if (layer < 0) throw new Error(`${path} is in no layer: add it to docs/architecture.md and here`)
  return layer
}

/** The specifiers of every `import` and `export ... from` (type-only ones too). */
function specifiers(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s+'([^']+)'/gm)) {
    found.push(match[1]!)
  }
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(match[1]!)
  return found
}

/** `spec` imported from `from`, as a path under src/ (with `.ts`, or `/index.ts`). */
function resolve(from: string, spec: string): string {
  const parts = from.split('/').slice(0, -1)
  for (const piece of spec.split('/')) {
    if (piece === '..') parts.pop()
    else if (piece !== '.') parts.push(piece)
  }
  const path = parts.join('/')
  if (modules.has(`${path}.ts`)) return `${path}.ts`
  if (modules.has(`${path}/index.ts`)) return `${path}/index.ts`
  throw new Error(`${from}: cannot resolve ${spec}`)
}

const graph = [...modules].flatMap(([from, text]) =>
  specifiers(text).map((spec) => ({ from, spec }))
)
const local = graph
  .filter(({ spec }) => spec.startsWith('.'))
  .map(({ from, spec }) => ({ from, to: resolve(from, spec) }))

describe('the dependency rule (docs/architecture.md)', () => {
  it('sees the whole of src/', () => {
    expect(modules.size).toBeGreaterThan(40)
    expect(local.length).toBeGreaterThan(100)
    for (const path of modules.keys()) layerOf(path)
  })

  it('nothing imports upward', () => {
    const upward = local
      .filter(({ from, to }) => layerOf(to) > layerOf(from))
      .map(({ from, to }) => `${from} -> ${to}`)
    expect(upward).toEqual([])
  })

  it('middleware/ and routes/ do not import each other', () => {
    const across = local
      .filter(
        ({ from, to }) =>
          (from.startsWith('middleware/') && to.startsWith('routes/')) ||
          (from.startsWith('routes/') && to.startsWith('middleware/'))
      )
      .map(({ from, to }) => `${from} -> ${to}`)
    expect(across).toEqual([])
  })

  it("only helper/, middleware/, routes/ and the wiring touch Hono's Context and app", () => {
    const contextLayer = layerOf('helper/')
    const offenders = graph
      .filter(({ spec }) => spec === 'hono' || spec === 'hono/factory')
      .filter(({ from }) => layerOf(from) < contextLayer)
      .map(({ from, spec }) => `${from} -> ${spec}`)
    expect(offenders).toEqual([])
  })

  it('utils/ and the domain use no Hono beyond its pure helpers (hono/utils/*)', () => {
    const edge = layerOf('errors.ts')
    const offenders = graph
      .filter(({ spec }) => /^hono(\/|$)/.test(spec) && !spec.startsWith('hono/utils/'))
      .filter(({ from }) => layerOf(from) < edge)
      .map(({ from, spec }) => `${from} -> ${spec}`)
    expect(offenders).toEqual([])
  })

  it('utils/ imports nothing else of src/', () => {
    const offenders = local
      .filter(({ from, to }) => from.startsWith('utils/') && !to.startsWith('utils/'))
      .map(({ from, to }) => `${from} -> ${to}`)
    expect(offenders).toEqual([])
  })

  it('only oauth/ imports oauth4webapi', () => {
    const offenders = graph
      .filter(({ spec }) => spec === 'oauth4webapi')
      .filter(({ from }) => !from.startsWith('oauth/'))
      .map(({ from }) => from)
    expect(offenders).toEqual([])
  })
})
