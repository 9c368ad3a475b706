// Clustered synthetic vectors for bench/vector: 100 random unit centres, each vector a centre plus
// Gaussian noise, then unit-normalized (cosine). Deterministic (xorshift seed), so runs compare.

export function clusteredVectors(count: number, queries: number, dim: number) {
  let state = 0x9e3779b9
  const uniform = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4294967296
  }
  const gauss = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform())
  const unit = (v: Float32Array) => {
    let norm = 0
    for (const x of v) norm += x * x
    norm = Math.sqrt(norm)
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm
    return v
  }
  const centres = Array.from({ length: 100 }, () => unit(Float32Array.from({ length: dim }, gauss)))
  const around = () => {
    const centre = centres[Math.floor(uniform() * centres.length)] as Float32Array
    return unit(Float32Array.from(centre, (c) => c + 0.03 * gauss()))
  }
  return {
    vectors: Array.from({ length: count }, around),
    queries: Array.from({ length: queries }, around),
  }
}

/** Indices of the k vectors with the largest dot product (all are unit length: cosine). */
export function exactTopK(vectors: Float32Array[], query: Float32Array, k: number): number[] {
  const best: Array<{ i: number; s: number }> = []
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i] as Float32Array
    let s = 0
    for (let j = 0; j < v.length; j++) s += (v[j] as number) * (query[j] as number)
    if (best.length < k || s > (best[best.length - 1] as { s: number }).s) {
      best.push({ i, s })
      best.sort((a, b) => b.s - a.s)
      if (best.length > k) best.pop()
    }
  }
  return best.map((b) => b.i)
}
