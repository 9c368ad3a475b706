import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'

// The part of storaged that catalogd uses. Its contract is the storage API of DESIGN §5:
// putIfAbsent throws PreconditionFailed when the key exists, getBuffer throws NotFound when it does
// not, head answers undefined for an absent key, delete succeeds on an absent key, list walks every
// key under a prefix in key order.
export type CatalogStorage = Pick<StorageClient, 'putIfAbsent' | 'getBuffer' | 'list' | 'head' | 'delete'>
