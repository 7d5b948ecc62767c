// Prices are US dollars everywhere; the number and date formats follow the browser's language.
const language = typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US'

const money = new Intl.NumberFormat(language, { style: 'currency', currency: 'USD' })
const longDate = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' })
const mediumDate = new Intl.DateTimeFormat(language, { dateStyle: 'medium' })

export function formatMoney(amount) {
  return money.format(amount)
}

// a calendar date such as "2025-07-01", shown as that same day everywhere
export function formatDay(iso) {
  const [y, m, d] = iso.split('-').map(Number)
  return longDate.format(new Date(Date.UTC(y, m - 1, d)))
}

// a moment such as "2025-03-04T17:12:00Z", in the browser's time zone
export function formatMoment(iso) {
  return mediumDate.format(new Date(iso))
}

export function plural(n, word, words = `${word}s`) {
  return `${n} ${n === 1 ? word : words}`
}
