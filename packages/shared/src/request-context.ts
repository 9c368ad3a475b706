import { AsyncLocalStorage } from 'node:async_hooks'

// The request id of the request being served, so that the HTTP clients can pass it on to the next
// daemon without every domain function threading it through.
interface RequestContext {
  requestId: string
}

const storage = new AsyncLocalStorage<RequestContext>()

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn)
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId
}
