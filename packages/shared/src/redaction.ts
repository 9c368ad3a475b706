// The one place secrets are cut out of text that leaves a daemon (error messages from DuckDB's
// httpfs, an embedding provider's error body): the secrets the daemon knows, and anything shaped
// like an S3 credential or a presigned-URL signature. Secrets shorter than 4 characters are not
// searched for: cutting every "a" out of a message hides nothing and garbles everything.

export const REDACTED = '***'

const SECRET_PATTERNS: RegExp[] = [
  /((?:secret|key_id|access_key_id|secret_access_key|session_token|s3_secret_access_key|s3_access_key_id)\s*[=:]?\s*)'[^']*'/gi,
  /((?:secret|key_id|access_key_id|secret_access_key|session_token)\s*[=:]\s*)[^\s,;)'"]+/gi,
  /(X-Amz-(?:Credential|Signature|Security-Token)=)[^&\s"']+/gi,
]

/** Removes the given secrets and anything shaped like an S3 credential from a message. */
export function redactCreds(message: string, secrets: readonly (string | undefined)[] = []): string {
  let text = message
  for (const secret of secrets) if (secret && secret.length >= 4) text = text.replaceAll(secret, REDACTED)
  for (const pattern of SECRET_PATTERNS) text = text.replace(pattern, (_m, prefix: string) => `${prefix}${REDACTED}`)
  return text
}
