import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hashEmbed } from '../src/hashing.ts'

// The built-in embedder (ADR-008): deterministic, unit length, and lexically sensible.

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0)
const norm = (a: Float32Array) => Math.sqrt(cosine(a, a))

describe('hashing embedder', () => {
  it('gives the same vector for the same text in another process', () => {
    const text = 'Senior Python engineer, Berlin — 5 years of Django & PostgreSQL'
    const script = `import { hashEmbed } from ${JSON.stringify(resolve(import.meta.dirname, '../src/hashing.ts'))}
process.stdout.write(JSON.stringify(Array.from(hashEmbed(${JSON.stringify(text)}, 768))))`
    const other = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    )
    expect(other).toEqual(Array.from(hashEmbed(text, 768)))
  })

  it('answers dim values of unit length', () => {
    for (const [text, dim] of [
      ['senior python engineer', 768],
      ['a', 64],
      ['!!!', 768],
      ['x'.repeat(5000), 256],
    ] as const) {
      const vector = hashEmbed(text, dim)
      expect(vector.length).toBe(dim)
      expect(norm(vector)).toBeCloseTo(1, 5)
    }
  })

  it('puts a near-duplicate closer than an unrelated text', () => {
    const base = hashEmbed('senior python engineer with django experience', 768)
    const near = hashEmbed('Senior Python engineer, with Django experience!', 768)
    const typo = hashEmbed('senior pyhton enginer with djnago experience', 768)
    const unrelated = hashEmbed('forklift operator night shift warehouse', 768)
    expect(cosine(base, near)).toBeGreaterThan(0.95)
    expect(cosine(base, typo)).toBeGreaterThan(cosine(base, unrelated))
    expect(cosine(base, unrelated)).toBeLessThan(0.2)
  })

  it('finds documents that share the query words as its nearest neighbours', () => {
    const documents = [
      'forklift operator for the night shift in a warehouse',
      'registered nurse for the intensive care unit',
      'backend engineer: python, postgres, kubernetes',
      'accountant with payroll and tax experience',
      'python data engineer building spark pipelines',
      'truck driver with a class C licence',
    ]
    const query = hashEmbed('python engineer', 768)
    const ranked = documents
      .map((doc) => ({ doc, score: cosine(query, hashEmbed(doc, 768)) }))
      .sort((a, b) => b.score - a.score)
      .map((hit) => hit.doc)
    expect(ranked.slice(0, 2).sort()).toEqual([documents[2], documents[4]].sort())
  })

  it('keeps word order in bigrams: a reordered text is close but not identical', () => {
    const a = hashEmbed('data engineer python', 768)
    const b = hashEmbed('python data engineer', 768)
    expect(cosine(a, b)).toBeLessThan(0.999)
    expect(cosine(a, b)).toBeGreaterThan(0.7)
  })
})
