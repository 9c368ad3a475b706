import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { describe, expect, it } from 'vitest'
import { snapshotChunkBytes } from '../src/snapshot-store.ts'

// ADR-011: every LHV1 chunk is one storaged object, so a snapshot chunk is never larger than
// storage.max_object_bytes, whatever vectors.chunk_bytes says.

describe('snapshot chunk size', () => {
  it('is vectors.chunk_bytes (64 MiB by default) below the object cap', () => {
    const config = testConfig()
    expect(snapshotChunkBytes(config)).toBe(64 * 1024 * 1024)
    config.cleanup()
  })

  it('is the object cap when vectors.chunk_bytes is above it', () => {
    const config = testConfig({ storage: { max_object_bytes: 1024 * 1024 }, vectors: { chunk_bytes: 4 * 1024 * 1024 } })
    expect(snapshotChunkBytes(config)).toBe(1024 * 1024)
    config.cleanup()
  })
})
