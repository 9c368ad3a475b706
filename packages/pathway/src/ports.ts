import type { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import type { VectorClient } from '@lakehouse/shared/clients/vectors.ts'

// What pathway needs of embedd and vectord: the slices of their clients it calls. observerd passes
// the clients themselves; the package's tests pass in-memory fakes with the same behaviour.
export type EmbedPort = Pick<EmbedClient, 'embed'>
export type VectorPort = Pick<VectorClient, 'createIndex' | 'upsert' | 'deleteItems' | 'search'>
export type { LogStorage } from './log/event-log.ts'
export type { MemoryLog } from './log/folded-log.ts'
