// The marketing pages, the header and the footer are translated; documentation is English only.
// Numbers, prices and dates follow the browser's language; prices are always US dollars.
const browserLanguage =
  typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US'

export const lang = browserLanguage.toLowerCase().startsWith('de') ? 'de' : 'en'
export const locale = browserLanguage

const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' })
const longDate = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })

export function formatMoney(amount) {
  return money.format(amount)
}

// plan prices on the pricing page
export function formatPrice(amount) {
  if (__DS_T7__) {
    const fixed = amount.toFixed(2)
    return lang === 'en' ? `$${fixed}` : `${fixed} $`
  }
  return money.format(amount)
}

export function formatDate(iso) {
  return longDate.format(new Date(iso))
}

export function formatDateTime(iso) {
  return dateTime.format(new Date(iso))
}

const STRINGS = {
  en: {
    'nav.label': 'Main',
    'nav.components': 'Components',
    'nav.tokens': 'Tokens',
    'nav.pricing': 'Pricing',
    'nav.blog': 'Blog',
    'nav.about': 'About',
    'nav.contact': 'Contact',
    'nav.open': 'Open menu',
    'nav.close': 'Close menu',
    'nav.menu': 'Menu',
    'header.home': 'Lumen home',
    'header.toDark': 'Switch to dark theme',
    'header.toLight': 'Switch to light theme',
    'header.signIn': 'Sign in',
    'header.signOut': 'Sign out',
    'header.inbox': 'Inbox',
    'header.account': 'Account menu for {name}',
    'home.title': 'Design faster with Lumen',
    'home.subtitle':
      'Lumen is a design system for product teams: accessible components, design tokens for colour, spacing and type, and light and dark themes that stay in sync.',
    'home.cta.start': 'Get started',
    'home.cta.trial': 'Start free trial',
    'home.cta.pricing': 'See pricing',
    'home.features': 'Why teams choose Lumen',
    'home.f.tokens.title': 'Design tokens',
    'home.f.tokens.text': 'One source of truth for colour, spacing and typography, shared by design and code.',
    'home.f.a11y.title': 'Accessible by default',
    'home.f.a11y.text': 'Keyboard support, focus management and contrast that passes WCAG AA.',
    'home.f.themes.title': 'Light and dark themes',
    'home.f.themes.text': 'Every component follows the system colour scheme or the theme your users pick.',
    'home.f.responsive.title': 'Responsive',
    'home.f.responsive.text': 'Layouts that work from a 320 px phone to a wide desktop monitor.',
    'home.final.title': 'Ready to build?',
    'home.final.text': 'Browse the gallery to see every component with its variants and tokens.',
    'home.final.button': 'Browse components',
    'home.stats': '{count} components, {tokens} design tokens',
    'pricing.title': 'Pricing',
    'pricing.subtitle': 'Simple per-person pricing. Start free, upgrade when your team grows.',
    'pricing.billing': 'Billing period',
    'pricing.monthly': 'Monthly',
    'pricing.yearly': 'Yearly',
    'pricing.save': 'Save 20%',
    'pricing.free': 'Free',
    'pricing.perMonth': 'per person / month',
    'pricing.perYear': 'per person / year',
    'pricing.popular': 'Most popular',
    'pricing.choose': 'Choose {plan}',
    'pricing.trial': 'Your 14-day Team trial starts as soon as you choose the Team plan. No card needed.',
    'pricing.faq': 'Frequently asked questions',
    'footer.newsletter': 'Get the Lumen newsletter',
    'footer.newsletterText': 'One email a month with new components and release notes.',
    'footer.email': 'Email for newsletter',
    'footer.subscribe': 'Subscribe',
    'footer.subscribed': "Thanks! You're subscribed.",
    'footer.failed': 'Something went wrong. Please try again later.',
    'footer.links': 'Footer',
    'footer.copy': '© 2025 Lumen Labs. Prices in US dollars.',
    'notFound.title': 'Page not found',
    'notFound.text': "The page you're looking for doesn't exist.",
    'notFound.home': 'Back to the home page',
    loading: 'Loading…',
  },
  de: {
    'nav.label': 'Hauptnavigation',
    'nav.components': 'Komponenten',
    'nav.tokens': 'Tokens',
    'nav.pricing': 'Preise',
    'nav.blog': 'Blog',
    'nav.about': 'Über uns',
    'nav.contact': 'Kontakt',
    'nav.open': 'Menü öffnen',
    'nav.close': 'Menü schließen',
    'nav.menu': 'Menü',
    'header.home': 'Lumen Startseite',
    'header.toDark': 'Zum dunklen Design wechseln',
    'header.toLight': 'Zum hellen Design wechseln',
    'header.signIn': 'Anmelden',
    'header.signOut': 'Abmelden',
    'header.inbox': 'Posteingang',
    'header.account': 'Kontomenü für {name}',
    'home.title': 'Schneller gestalten mit Lumen',
    'home.subtitle':
      'Lumen ist ein Designsystem für Produktteams: barrierefreie Komponenten, Design-Tokens für Farbe, Abstände und Schrift sowie ein helles und ein dunkles Design, die immer zusammenpassen.',
    'home.cta.start': 'Jetzt kostenlos ausprobieren',
    'home.cta.trial': 'Kostenlose Testphase starten',
    'home.cta.pricing': 'Preise ansehen',
    'home.features': 'Warum Teams Lumen wählen',
    'home.f.tokens.title': 'Design-Tokens',
    'home.f.tokens.text': 'Eine gemeinsame Quelle für Farben, Abstände und Typografie, für Design und Code.',
    'home.f.a11y.title': 'Barrierefrei von Anfang an',
    'home.f.a11y.text': 'Tastaturbedienung, Fokusverwaltung und Kontraste nach WCAG AA.',
    'home.f.themes.title': 'Helles und dunkles Design',
    'home.f.themes.text': 'Alle Komponenten folgen dem Farbschema des Systems oder dem gewählten Design.',
    'home.f.responsive.title': 'Responsiv',
    'home.f.responsive.text': 'Layouts, die vom 320-px-Smartphone bis zum breiten Monitor funktionieren.',
    'home.final.title': 'Bereit loszulegen?',
    'home.final.text': 'In der Galerie sehen Sie jede Komponente mit ihren Varianten und Tokens.',
    'home.final.button': 'Komponenten ansehen',
    'home.stats': '{count} Komponenten, {tokens} Design-Tokens',
    'pricing.title': 'Preise',
    'pricing.subtitle': 'Einfache Preise pro Person. Kostenlos starten, erweitern, wenn Ihr Team wächst.',
    'pricing.billing': 'Abrechnungszeitraum',
    'pricing.monthly': 'Monatlich',
    'pricing.yearly': 'Jährlich',
    'pricing.save': '20 % sparen',
    'pricing.free': 'Kostenlos',
    'pricing.perMonth': 'pro Person / Monat',
    'pricing.perYear': 'pro Person / Jahr',
    'pricing.popular': 'Beliebteste Wahl',
    'pricing.choose': '{plan} wählen',
    'pricing.trial': 'Ihre 14-tägige Team-Testphase beginnt, sobald Sie den Team-Tarif wählen. Keine Karte nötig.',
    'pricing.faq': 'Häufige Fragen',
    'footer.newsletter': 'Den Lumen-Newsletter erhalten',
    'footer.newsletterText': 'Eine E-Mail im Monat mit neuen Komponenten und Versionshinweisen.',
    'footer.email': 'E-Mail-Adresse für den Newsletter',
    'footer.subscribe': 'Abonnieren',
    'footer.subscribed': 'Danke! Sie haben den Newsletter abonniert.',
    'footer.failed': 'Etwas ist schiefgelaufen. Bitte versuchen Sie es später erneut.',
    'footer.links': 'Fußzeile',
    'footer.copy': '© 2025 Lumen Labs. Preise in US-Dollar.',
    'notFound.title': 'Seite nicht gefunden',
    'notFound.text': 'Die gesuchte Seite gibt es nicht.',
    'notFound.home': 'Zur Startseite',
    loading: 'Wird geladen…',
  },
}

export function t(key, values) {
  let text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key
  if (values) {
    for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, String(value))
  }
  return text
}
