import { describe, expect, it } from 'vitest'
import { type Peer, PeerSet } from '../src/clients/peers.ts'

// Rule (issue 10 item 3): an app takes each peer from deps or from a client factory; /ready checks
// exactly the peers it runs with, and it closes only the clients it made (a test owns what it gave).

function fakePeer(service: string, answer: () => Promise<unknown> = async () => 'ok') {
  const peer = { service, closed: 0, health: answer, close: async () => void peer.closed++ }
  return peer satisfies Peer
}

describe('PeerSet', () => {
  it('checks the given peer, not a client the factory would have made', async () => {
    const peers = new PeerSet()
    const given = fakePeer('storaged')
    let made = 0
    const make = () => {
      made++
      return fakePeer('never')
    }
    expect(peers.use(given, make)).toBe(given)
    expect(made).toBe(0)
    expect(Object.keys(peers.readyChecks())).toEqual(['storaged'])
  })

  it('makes the client when none is given, checks it and closes it with the app', async () => {
    const peers = new PeerSet()
    const made = fakePeer('catalogd', async () => {
      throw new Error('down')
    })
    const given = fakePeer('storaged')
    peers.use(given, () => fakePeer('x'))
    peers.use(undefined, () => made)
    const checks = peers.readyChecks()
    expect(Object.keys(checks).sort()).toEqual(['catalogd', 'storaged'])
    await expect(checks.catalogd?.(new AbortController().signal)).rejects.toThrow('down')
    await peers.close()
    expect(made.closed).toBe(1)
    expect(given.closed).toBe(0)
  })
})
