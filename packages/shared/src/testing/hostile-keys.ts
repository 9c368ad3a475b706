// Tests only: object keys as an attacker writes them on the wire (raw request-target text, no
// client-side normalisation). storaged's key-escape suite checks each is refused; the gateway's
// byte-for-byte suite sends them, and the generated set, both ways and compares the answers.

/** Keys storaged must refuse with 400 invalid_key. */
export const ESCAPING_KEYS: Record<string, string> = {
  'dot-dot segments': 'a/../../outside.txt',
  'leading dot-dot': '../outside.txt',
  'percent-encoded dot-dot': '%2e%2e/%2e%2e/outside.txt',
  'mixed-case encoded dot-dot': '%2E%2e/outside.txt',
  'encoded slash making dot-dot': '..%2f..%2foutside.txt',
  'encoded slash inside a segment': 'a%2f..%2f..%2foutside.txt',
  'absolute path (encoded leading slash)': '%2fetc%2fpasswd',
  'absolute path (double slash)': '/tmp/outside.txt',
  backslash: '..%5c..%5coutside.txt',
  'NUL byte': 'a%00.txt',
  'newline (control byte)': 'a%0a.txt',
  'DEL (control byte)': 'a%7f.txt',
  'C1 control': 'a%c2%85.txt',
  'bidi override (format character)': 'a%e2%80%aeb.txt',
  'fullwidth full stops': '%ef%bc%8e%ef%bc%8e/outside.txt',
  'one-dot leaders': '%e2%80%a4%e2%80%a4/outside.txt',
  'two-dot leader': '%e2%80%a5/outside.txt',
  'fullwidth solidus': 'a%ef%bc%8f..%ef%bc%8foutside.txt',
  'fullwidth reverse solidus': 'a%ef%bc%bcb.txt',
  'trailing slash': 'a/b/',
  'single dot segment': 'a/./b',
  'over-long key': `${'k/'.repeat(512)}k`,
  'over-long segment': 's'.repeat(256),
  'reserved temp folder': '.lh-tmp/x',
}

/** Keys Fastify's router refuses before any route runs (a param it cannot decode): 400, nothing written. */
export const UNDECODABLE_KEYS: Record<string, string> = {
  'overlong UTF-8 dot (invalid UTF-8)': '%c0%ae%c0%ae/outside.txt',
  'malformed percent-encoding': 'a%zz.txt',
}

/** Spellings a URL parser would rewrite (issue 9 item 2): each must mean the same through the gateway. */
export const REWRITABLE_KEYS: Record<string, string> = {
  'dot segment': 'v/a/./b',
  'encoded dot segment': 'v/a/%2e/b',
  'encoded dot segment, upper case': 'v/a/%2E/b',
  'raw backslash': 'v/a\\b',
  'raw #': 'v/a#b',
  'dot-dot inside a segment': 'v/a../b',
  'three dots': 'v/...',
  'encoded #': 'v/a%23b',
  'raw ? (starts the query)': 'v/a?b',
  'raw ;': 'v/a;b',
  'double slash inside': 'v/a//b',
}

const ATOMS = [
  '.',
  '..',
  '...',
  '%2e',
  '%2E',
  '%2e%2e',
  '.%2e',
  '%2f',
  '%2F',
  '%5c',
  '\\',
  '#',
  '%23',
  '?',
  '%3f',
  ';',
  '%3b',
  '%00',
  '%09',
  '%20',
  '+',
  '~',
  '%7e',
  '%25',
  '%252e',
  '%c3%a9',
  '%ff',
  '%c0%ae',
  '%e2%80%ae',
  ':',
  '@',
  '!',
  '$',
  '&',
  "'",
  '(',
  '*',
  ',',
  '=',
  '|',
  '[',
  ']',
  '{',
  '}',
  '^',
  '`',
  '"',
  '<',
  '>',
]

/** A deterministic set of hostile keys: every atom alone, inside a segment, as a segment, doubled. */
export function generatedHostileKeys(): string[] {
  const keys = new Set<string>()
  for (const atom of ATOMS) {
    keys.add(`g/${atom}`)
    keys.add(`g/x${atom}y`)
    keys.add(`g/x/${atom}/y`)
    keys.add(`g/${atom}${atom}`)
    keys.add(`g/${atom}/`)
  }
  return [...keys]
}
