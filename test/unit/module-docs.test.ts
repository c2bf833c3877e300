/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

// The house style of CONVENTIONS.md, checked on src/: every module opens with a `@module` doc
// comment, every exported declaration has a doc comment, and no module passes 250 lines.

const sources = import.meta.glob<string>('../../src/**/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
})
const modules = Object.entries(sources).map(([file, text]) => ({
  path: file.replace('../../src/', ''),
  text,
}))

describe('the modules of src/', () => {
  it('open with a @module doc comment', () => {
    const missing = modules.filter(({ text }) => !/^\/\*\*\s*\n\s*\*\s*@module\b/.test(text))
    expect(missing.map(({ path }) => path)).toEqual([])
  })

  it('document every exported declaration', () => {
    const undocumented: string[] = []
    for (const { path, text } of modules) {
      const lines = text.split('\n')
      lines.forEach((line, i) => {
        if (!/^export (async function|function|const|let|class|interface|type \w)/.test(line))
          return
        let previous = i - 1
        while (previous >= 0 && lines[previous]!.trim() === '') previous--
        if (!lines[previous]?.trim().endsWith('*/')) undocumented.push(`${path}: ${line}`)
      })
    }
    expect(undocumented).toEqual([])
  })

  it('stay under 250 lines', () => {
    const long = modules
      .map(({ path, text }) => ({ path, lines: text.split('\n').length }))
      .filter(({ lines }) => lines > 250)
    expect(long).toEqual([])
  })
})
