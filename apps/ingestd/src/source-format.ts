import { InvalidRequest, quoteLiteral } from '@lakehouse/shared'
import { SOURCE_FORMATS, type SourceFormat } from '@lakehouse/shared/contracts/ingest.ts'

// The upload formats and how DuckDB reads each one (ADR-006). The format comes from `format=`, or
// from an unambiguous content type; anything else is refused rather than guessed.

export interface CsvOptions {
  /** One character; unset lets DuckDB's sniffer decide. */
  delimiter?: string
  /** Unset lets the sniffer decide whether the first row is a header. */
  header?: boolean
}

const BY_CONTENT_TYPE: Record<string, SourceFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/json': 'json',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
}

export function resolveFormat(explicit: SourceFormat | undefined, contentType: string | undefined): SourceFormat {
  if (explicit) return explicit
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase()
  const found = mediaType ? BY_CONTENT_TYPE[mediaType] : undefined
  if (!found) {
    throw new InvalidRequest(
      `format is required: pass ?format=${SOURCE_FORMATS.join('|')} (content type ${JSON.stringify(mediaType ?? '')} does not name one)`,
      { issues: [{ path: 'query.format', message: 'required for this content type' }] },
    )
  }
  return found
}

/** The table function that reads `path` (our own temp file) in `format`. */
export function readerSql(format: SourceFormat, path: string, csv: CsvOptions = {}): string {
  const file = quoteLiteral(path)
  switch (format) {
    case 'csv': {
      // skip=0: the sniffer may otherwise decide to drop leading lines that do not fit, losing rows
      // silently; a file whose rows disagree must be refused instead (conversion.ts).
      const options = [
        'skip=0',
        csv.delimiter === undefined ? undefined : `delim=${quoteLiteral(csv.delimiter)}`,
        csv.header === undefined ? undefined : `header=${csv.header}`,
      ].filter(Boolean)
      return `read_csv(${[file, ...options].join(', ')})`
    }
    case 'ndjson':
      return `read_json(${file}, format='newline_delimited', records='true')`
    case 'json':
      return `read_json(${file}, format='auto', records='true')`
    case 'parquet':
      return `read_parquet(${file})`
  }
}
