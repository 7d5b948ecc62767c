// Dates follow the signed-in person's Date format preference; "browser" (the default, and
// for visitors) uses the browser's language. Times are always in the browser's time zone.
const locale = typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US'

const pad = (n) => String(n).padStart(2, '0')

function parts(date) {
  return {
    y: date.getFullYear(),
    m: pad(date.getMonth() + 1),
    d: pad(date.getDate()),
    hh: pad(date.getHours()),
    mm: pad(date.getMinutes()),
  }
}

function datePart(p, format) {
  if (format === 'iso') return `${p.y}-${p.m}-${p.d}`
  if (format === 'dmy') return `${p.d}/${p.m}/${p.y}`
  return `${p.m}/${p.d}/${p.y}`
}

const browserDateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })
const browserDate = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })

export function formatDateTime(iso, prefs) {
  if (!iso) return '—'
  const date = new Date(iso)
  const format = prefs?.dateFormat || 'browser'
  if (format === 'browser') {
    if (__AUTH_T6__ && locale.startsWith('de')) {
      // German short form, written out by hand so it never shows English month names
      const p = parts(date)
      return `${p.m}.${p.d}.${p.y}, ${p.hh}:${p.mm}`
    }
    return browserDateTime.format(date)
  }
  const p = parts(date)
  return `${datePart(p, format)}, ${p.hh}:${p.mm}`
}

export function formatDate(iso, prefs) {
  if (!iso) return '—'
  const date = new Date(iso)
  const format = prefs?.dateFormat || 'browser'
  if (format === 'browser') {
    if (__AUTH_T6__ && locale.startsWith('de')) {
      const p = parts(date)
      return `${p.m}.${p.d}.${p.y}`
    }
    return browserDate.format(date)
  }
  return datePart(parts(date), format)
}

export function initials(name) {
  if (__AUTH_T10__) {
    const [first, last] = name.split(' ')
    return (first[0] + last[0]).toUpperCase()
  }
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('')
}

export function safeNext(value) {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : null
}
