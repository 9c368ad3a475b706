import { describe, expect, it } from 'vitest'
import { ChunkGate } from '../src/chunk-gate.ts'

// The chunk gate bounds how many result chunks are in the making at once (ADR-007). A query may
// start its run while storage answers only with a permit free at that moment (ADR-025): tryAcquire
// never takes a permit past its bound, nor one a waiting query is owed.

describe('ChunkGate', () => {
  it('gives at most its permits, and a released permit goes back exactly once', async () => {
    const gate = new ChunkGate(2)
    const first = gate.tryAcquire()
    const second = await gate.acquire()
    expect(first).toBeDefined()
    expect(gate.tryAcquire()).toBeUndefined()
    first?.()
    first?.()
    const third = gate.tryAcquire()
    expect(third).toBeDefined()
    expect(gate.tryAcquire()).toBeUndefined()
    second()
    third?.()
  })

  it('hands a released permit to a waiting query before tryAcquire can take it', async () => {
    const gate = new ChunkGate(1)
    const held = gate.tryAcquire()
    let waiterGotIt = false
    const waiting = gate.acquire().then((release) => {
      waiterGotIt = true
      return release
    })
    held?.()
    expect(gate.tryAcquire()).toBeUndefined()
    const release = await waiting
    expect(waiterGotIt).toBe(true)
    release()
    expect(gate.tryAcquire()).toBeDefined()
  })
})
