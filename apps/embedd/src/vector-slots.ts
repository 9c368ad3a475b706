// Where the vector cache keeps its float32s (ADR-036): pages of fixed-size slots, one store per
// dimension, so a cached vector is a copy into memory allocated once, never a typed array of its
// own. A Float32Array per entry lived long enough to reach V8's old generation and died there on
// eviction, its 3 KiB backing store freed only at the next major collection: at a full 64 MiB cache
// the churn held ~230 MB of RSS, and an 8 MiB cache still ~170 MB (issue 18's soak).

/** Slots per page: 64 vectors of 768 dims make a 192 KiB page. */
export const SLOTS_PER_PAGE = 64

export class VectorSlots {
  readonly dim: number
  readonly #pages: (Float32Array | undefined)[] = []
  readonly #liveInPage: number[] = []
  /** Free slot numbers, most recently freed last: a store reuses the slot it just freed. */
  #free: number[] = []

  constructor(dim: number) {
    this.dim = dim
  }

  /** Copies `vector` into a free slot (a new page when none is free) and returns the slot. */
  store(vector: Float32Array): number {
    const slot = this.#free.pop() ?? this.#addPage()
    const page = Math.floor(slot / SLOTS_PER_PAGE)
    ;(this.#pages[page] as Float32Array).set(vector, (slot % SLOTS_PER_PAGE) * this.dim)
    this.#liveInPage[page] = (this.#liveInPage[page] as number) + 1
    return slot
  }

  /** A copy of the slot's vector: the slot is reused once it is released, the copy is the caller's. */
  read(slot: number): Float32Array {
    const page = this.#pages[Math.floor(slot / SLOTS_PER_PAGE)] as Float32Array
    const at = (slot % SLOTS_PER_PAGE) * this.dim
    return page.slice(at, at + this.dim)
  }

  /**
   * Frees the slot. A page left empty is dropped while another page's worth of slots is free besides
   * (a model no longer asked for gives its memory back); the last free page stays, so a full cache
   * that evicts one entry to admit one does not drop and allocate a page every 64 entries.
   */
  release(slot: number): void {
    const page = Math.floor(slot / SLOTS_PER_PAGE)
    const live = (this.#liveInPage[page] as number) - 1
    this.#liveInPage[page] = live
    this.#free.push(slot)
    if (live === 0 && this.#free.length >= 2 * SLOTS_PER_PAGE) this.#dropPage(page)
  }

  get pageCount(): number {
    return this.#pages.filter((page) => page !== undefined).length
  }

  /** What the pages take: float32s allocated, in use or free. */
  get bytes(): number {
    return this.pageCount * SLOTS_PER_PAGE * this.dim * 4
  }

  #addPage(): number {
    let page = this.#pages.indexOf(undefined)
    if (page === -1) page = this.#pages.length
    this.#pages[page] = new Float32Array(SLOTS_PER_PAGE * this.dim)
    this.#liveInPage[page] = 0
    const first = page * SLOTS_PER_PAGE
    // Handed out lowest first; the rest wait on the free list.
    for (let slot = first + SLOTS_PER_PAGE - 1; slot > first; slot--) this.#free.push(slot)
    return first
  }

  #dropPage(page: number): void {
    this.#pages[page] = undefined
    this.#free = this.#free.filter((slot) => Math.floor(slot / SLOTS_PER_PAGE) !== page)
  }
}
