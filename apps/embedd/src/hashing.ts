import type { EmbeddingProvider } from './provider.ts'

// The built-in embedder (ADR-008): deterministic feature hashing, no model, no download. Features are
// word unigrams, word bigrams and character 3..5-grams of each word with boundary marks, each hashed
// with 32-bit FNV-1a (over UTF-16 code units, per-family seed) into `dim` signed buckets, weighted
// 1 + ln(tf), and the sum L2-normalised. Same text, same vector, in every process and on every host.
// It measures lexical overlap, not meaning: "car" and "automobile" are unrelated to it.

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

function fnvStep(hash: number, text: string, start: number, end: number): number {
  let h = hash
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, FNV_PRIME)
  }
  return h
}

/** A family seed keeps "w:ab" apart from the char n-gram "ab". */
const seedOf = (family: string) => fnvStep(FNV_OFFSET, family, 0, family.length)
const UNIGRAM = seedOf('w:')
const BIGRAM = seedOf('b:')
const CHARGRAM = seedOf('c:')
const RAW = seedOf('r:')
const SPACE = 0x20

/** Char n-grams are many per word; their weight keeps a shared word worth more than shared letters. */
const WEIGHTS = { unigram: 1, bigram: 1, chargram: 0.4 }
const MIN_GRAM = 3
const MAX_GRAM = 5
const WORD = /[\p{L}\p{N}]+/gu

function count(counts: Map<number, number>, hash: number): void {
  counts.set(hash, (counts.get(hash) ?? 0) + 1)
}

function addWeighted(vector: Float64Array, counts: Map<number, number>, weight: number): void {
  const dim = vector.length
  for (const [hash, tf] of counts) {
    const h = hash >>> 0
    // The top bit picks the sign, the rest the bucket, so colliding features tend to cancel out.
    const sign = h & 0x80000000 ? -1 : 1
    const bucket = (h & 0x7fffffff) % dim
    vector[bucket] = (vector[bucket] as number) + sign * weight * (1 + Math.log(tf))
  }
}

/**
 * The float64 sums of one text, reused by every call of its dimension (hashEmbed never awaits): a
 * fresh 6 KiB array per text was half of embedd's off-heap garbage per request, freed only at the
 * next scavenge, and its peaks grew glibc's heap (ADR-036).
 */
const scratchByDim = new Map<number, Float64Array>()

function scratchOf(dim: number): Float64Array {
  let scratch = scratchByDim.get(dim)
  if (!scratch) {
    scratch = new Float64Array(dim)
    scratchByDim.set(dim, scratch)
  } else scratch.fill(0)
  return scratch
}

export function hashEmbed(text: string, dim: number): Float32Array {
  const words = text.normalize('NFKC').toLowerCase().match(WORD) ?? []
  const unigrams = new Map<number, number>()
  const bigrams = new Map<number, number>()
  const chargrams = new Map<number, number>()
  let previous: string | undefined
  for (const word of words) {
    count(unigrams, fnvStep(UNIGRAM, word, 0, word.length))
    if (previous !== undefined) {
      const head = fnvStep(BIGRAM, previous, 0, previous.length)
      count(bigrams, fnvStep(Math.imul(head ^ SPACE, FNV_PRIME), word, 0, word.length))
    }
    previous = word
    const padded = `<${word}>`
    for (let n = MIN_GRAM; n <= MAX_GRAM; n++) {
      for (let i = 0; i + n <= padded.length; i++) count(chargrams, fnvStep(CHARGRAM, padded, i, i + n))
    }
  }
  // A text with no letter or digit ("!!!") still gets a unit vector of its own.
  if (words.length === 0) count(unigrams, fnvStep(RAW, text, 0, text.length))
  const vector = scratchOf(dim)
  addWeighted(vector, unigrams, WEIGHTS.unigram)
  addWeighted(vector, bigrams, WEIGHTS.bigram)
  addWeighted(vector, chargrams, WEIGHTS.chargram)
  let norm = 0
  for (const value of vector) norm += value * value
  norm = Math.sqrt(norm)
  const out = new Float32Array(dim)
  // All features can cancel in their buckets (rare, tiny texts): keep the raw-text feature then.
  if (norm === 0) {
    out[(fnvStep(RAW, text, 0, text.length) & 0x7fffffff) % dim] = 1
    return out
  }
  for (let i = 0; i < dim; i++) out[i] = (vector[i] as number) / norm
  return out
}

export function createHashingProvider(dim: number): EmbeddingProvider {
  return {
    kind: 'hashing',
    embed: async (texts) => texts.map((text) => hashEmbed(text, dim)),
    ping: async () => {},
    close: async () => {},
  }
}
