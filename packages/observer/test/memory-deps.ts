import { errorFromBody, NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { QueryResult } from '@lakehouse/shared/clients/query.ts'
import type { CheckRunner, GenerationSource, ReviewStore } from '../src/observer.ts'

// In-memory stand-ins for queryd, catalogd and storaged with their real failure types (the error
// classes the shared clients throw), for the package's own tests.

export class MemoryStore implements ReviewStore {
  readonly objects = new Map<string, string>()

  async putIfAbsent(key: string, body: string): Promise<unknown> {
    if (this.objects.has(key)) throw new PreconditionFailed(`${key} exists`)
    this.objects.set(key, body)
    return { key }
  }

  async getBuffer(key: string): Promise<Buffer> {
    const body = this.objects.get(key)
    if (body === undefined) throw new NotFound(`no object ${key}`)
    return Buffer.from(body)
  }
}

/** queryd answering `result`, or raising the error its HTTP client would raise for `error`. */
export function scriptedQuery(answer: { result?: QueryResult; error?: string }): CheckRunner & { calls: number } {
  const runner = {
    calls: 0,
    async sql(): Promise<QueryResult> {
      runner.calls++
      if (answer.error === 'TypeError') throw new TypeError("Cannot read properties of undefined (reading '0')")
      if (answer.error) throw errorFromBody(500, { error: { code: answer.error, message: `scripted ${answer.error}` } })
      return answer.result as QueryResult
    },
  }
  return runner
}

/** catalogd answering each generation in turn (the last one repeats); 'error' makes that call fail. */
export function scriptedGenerations(answers: Array<number | 'error'>): GenerationSource {
  let i = 0
  return {
    async generation() {
      const answer = answers[Math.min(i++, answers.length - 1)]
      if (answer === 'error' || answer === undefined)
        throw errorFromBody(503, { error: { code: 'upstream_unavailable', message: 'catalogd down' } })
      return answer
    },
  }
}
