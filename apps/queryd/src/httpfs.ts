import type { Config } from '@lakehouse/shared'
import { quoteLiteral } from '@lakehouse/shared'
import type { Lease } from './parquet-cache.ts'
import type { ParquetFiles } from './views.ts'

export { redactCreds } from '@lakehouse/shared'

// Mode `httpfs` (ADR-007): DuckDB reads Parquet straight from S3, when DuckDB's httpfs extension is
// already installed on this host; queryd never downloads an extension, so without it the mode is
// refused at start with a clear message. The S3 credentials live in a DuckDB secret created before
// the configuration is locked; every error text leaves through redactCreds.

export class HttpfsUnavailable extends Error {
  override name = 'HttpfsUnavailable'
}

export const HTTPFS_MISSING =
  'query.access_mode = "httpfs" needs DuckDB\'s httpfs extension installed on this host, and it is not ' +
  '(queryd never downloads extensions); install it out of band or use query.access_mode = "cache"'

/** The DuckDB secret statement for storaged's S3 settings; run before the lock, never logged. */
export function s3SecretSql(s3: Config['storage']['s3']): string {
  const parts = ['TYPE s3', `REGION ${quoteLiteral(s3.region)}`]
  if (s3.access_key_id) parts.push(`KEY_ID ${quoteLiteral(s3.access_key_id)}`)
  if (s3.secret_access_key) parts.push(`SECRET ${quoteLiteral(s3.secret_access_key)}`)
  if (s3.endpoint) {
    const url = new URL(s3.endpoint)
    parts.push(`ENDPOINT ${quoteLiteral(url.host)}`, `USE_SSL ${url.protocol === 'https:'}`)
  }
  if (s3.force_path_style) parts.push(`URL_STYLE 'path'`)
  return `CREATE SECRET lakehouse_s3 (${parts.join(', ')})`
}

/** Data files as s3:// URLs: nothing to fetch, nothing to hold. */
export function httpfsFiles(bucket: string): ParquetFiles {
  return {
    acquire: async (): Promise<Lease> => ({ path: (key) => `s3://${bucket}/${key}`, release: () => {} }),
  }
}
