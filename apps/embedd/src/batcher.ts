// Micro-batching: texts from concurrent requests to one remote model wait up to `windowMs` to share
// one upstream call of at most `maxBatch` texts. A full batch leaves at once. Each caller gets its own
// vectors back in order; a failed upstream call fails exactly the callers whose texts were in it.

interface Pending<T> {
  text: string
  resolve: (value: T) => void
  reject: (err: unknown) => void
}

export interface BatcherOptions {
  windowMs: number
  maxBatch: number
}

export class MicroBatcher<T> {
  readonly #run: (texts: string[]) => Promise<T[]>
  readonly #windowMs: number
  readonly #maxBatch: number
  #queue: Pending<T>[] = []
  #timer: NodeJS.Timeout | undefined

  constructor(run: (texts: string[]) => Promise<T[]>, options: BatcherOptions) {
    this.#run = run
    this.#windowMs = options.windowMs
    this.#maxBatch = options.maxBatch
  }

  /** Enqueues synchronously, so calls made in one tick always share a batch. */
  embed(texts: readonly string[]): Promise<T[]> {
    const results = texts.map(
      (text) => new Promise<T>((resolve, reject) => this.#queue.push({ text, resolve, reject })),
    )
    while (this.#queue.length >= this.#maxBatch) this.#send(this.#queue.splice(0, this.#maxBatch))
    if (this.#queue.length > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined
        if (this.#queue.length > 0) this.#send(this.#queue.splice(0, this.#queue.length))
      }, this.#windowMs)
    }
    return Promise.all(results)
  }

  #send(batch: Pending<T>[]): void {
    this.#run(batch.map((p) => p.text)).then(
      (values) => {
        batch.forEach((p, i) => {
          p.resolve(values[i] as T)
        })
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err)
      },
    )
  }
}
