// Feature flags live in the `flags` cookie as JSON, e.g. {"beta":"on"} or {"experiment":"b"}.
// The backend reads the same cookie. Flags are read once per page load; the Labs page rewrites
// the cookie and reloads.
export const FLAGS_COOKIE = 'flags'

function parse(raw) {
  for (const candidate of [raw, safeDecode(raw)]) {
    try {
      const value = JSON.parse(candidate)
      if (value && typeof value === 'object' && !Array.isArray(value)) return value
    } catch {
      // try the next form
    }
  }
  return {}
}

function safeDecode(raw) {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

export function readFlags() {
  const prefix = `${FLAGS_COOKIE}=`
  const entry = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(prefix))
  if (!entry) return {}
  const flags = {}
  for (const [key, value] of Object.entries(parse(entry.slice(prefix.length)))) {
    if (['string', 'number', 'boolean'].includes(typeof value)) flags[key] = String(value)
  }
  return flags
}

export function writeFlags(flags) {
  const clean = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined && v !== null))
  if (Object.keys(clean).length === 0) {
    document.cookie = `${FLAGS_COOKIE}=; path=/; max-age=0; samesite=lax`
    return
  }
  const value = encodeURIComponent(JSON.stringify(clean))
  document.cookie = `${FLAGS_COOKIE}=${value}; path=/; max-age=31536000; samesite=lax`
}

export const FLAGS = typeof document === 'undefined' ? {} : readFlags()
export const BETA = FLAGS.beta === 'on'
export const ARM = FLAGS.experiment === 'b' ? 'b' : 'a'
