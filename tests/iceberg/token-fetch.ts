// icebird 0.3.1 passes its `requestInit` (our bearer token) to the metadata and data-file fetches
// but not to the manifest-list and manifest fetches (read.js calls icebergManifests(metadata)
// without it). For the duration of a read, fetch to `origin` carries the token, as a browser's
// credentials would; every other request goes out unchanged.

export function withToken(origin: string, token: string): { restore: () => void; fetched: string[] } {
  const real = globalThis.fetch
  const fetched: string[] = []
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!url.startsWith(`${origin}/`)) return real(input, init)
    fetched.push(url)
    const headers = new Headers(init?.headers)
    headers.set('authorization', `Bearer ${token}`)
    return real(input, { ...init, headers })
  }) as typeof fetch
  return { restore: () => (globalThis.fetch = real), fetched }
}
