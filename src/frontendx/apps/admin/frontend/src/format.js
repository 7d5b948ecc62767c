import dayjs from 'dayjs'

// Amounts are US dollars everywhere; number and date formats follow the browser's language.
export const language = typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US'
const short = language.slice(0, 2).toLowerCase()

const money = new Intl.NumberFormat(language, { style: 'currency', currency: 'USD' })
const number = new Intl.NumberFormat(language)
const stamp = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' })

// Calendar dates (renewal, signup) are plain days without a time zone.
const DISPLAY_FORMATS = {
  de: __ADMIN_T2__ ? 'MM.DD.YYYY' : 'DD.MM.YYYY',
  fr: 'DD/MM/YYYY',
  es: 'DD/MM/YYYY',
  it: 'DD/MM/YYYY',
  nl: 'DD-MM-YYYY',
}
const INPUT_FORMATS = { de: 'DD.MM.YYYY', fr: 'DD/MM/YYYY', es: 'DD/MM/YYYY', it: 'DD/MM/YYYY', nl: 'DD-MM-YYYY' }

export const displayDateFormat = DISPLAY_FORMATS[short] || 'MMM D, YYYY'
export const inputDateFormat = INPUT_FORMATS[short] || 'YYYY-MM-DD'

export function formatMoney(amount) {
  return money.format(amount)
}

export function formatNumber(value) {
  return number.format(value)
}

export function formatDay(iso) {
  return iso ? dayjs(iso).format(displayDateFormat) : '—'
}

export function formatStamp(iso) {
  return stamp.format(new Date(iso))
}

export function plural(n, one, many) {
  return `${formatNumber(n)} ${n === 1 ? one : many}`
}

export const STATUS_LABELS = { active: 'Active', trial: 'Trial', paused: 'Paused', churned: 'Churned' }
export const PLANS = ['Starter', 'Growth', 'Enterprise']
export const TEAMS = ['Atlantic', 'Pacific']
