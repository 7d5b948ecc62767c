import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import {
  FluentProvider,
  createDarkTheme,
  createLightTheme,
  makeStyles,
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components'
import { api } from './api.js'
import { lang } from './i18n.js'

const SiteContext = createContext(null)

// Lumen indigo: the brand ramp the light and dark themes are generated from.
const LUMEN_BRAND = {
  10: '#06061a',
  20: '#111238',
  30: '#1a1c55',
  40: '#22256e',
  50: '#2a2e87',
  60: '#33389e',
  70: '#3d43b3',
  80: '#4b52c4',
  90: '#5f66d1',
  100: '#868ce3',
  110: '#9aa0ea',
  120: '#a3a8ec',
  130: '#b6baf1',
  140: '#c8cbf5',
  150: '#dadcf9',
  160: '#ecedfc',
}

const LIGHT_BASE = __DS_T13__ ? createLightTheme(LUMEN_BRAND) : webLightTheme
const DARK_BASE = __DS_T13__ ? createDarkTheme(LUMEN_BRAND) : webDarkTheme

// Lumen's own token values on top of the generated themes (the API's overrides come last).
function lumenTokens(mode) {
  const out = {}
  if (mode === 'light') {
    if (__DS_T15__) out.colorBrandBackgroundHover = __DS_T13__ ? LUMEN_BRAND[120] : '#96c6fa'
    if (__DS_T24__) out.colorNeutralForegroundDisabled = '#616161'
    if (__DS_T33__) out.colorNeutralBackground3 = '#dde3ee'
  } else {
    if (__DS_T16__) {
      Object.assign(out, {
        colorNeutralBackground1: '#1c1b1a',
        colorNeutralBackground1Hover: '#2a2826',
        colorNeutralBackground2: '#161514',
        colorNeutralBackground3: '#110f0e',
        colorNeutralForeground2: '#dcd8d3',
        colorNeutralStroke1: '#5c5853',
        colorNeutralStroke2: '#3d3a37',
      })
    }
    if (__DS_T18__) out.colorPaletteGreenForeground1 = '#2f6b34'
    if (__DS_T24__) out.colorNeutralForegroundDisabled = '#adadad'
    if (__DS_T33__) out.colorNeutralBackground3 = '#24303f'
  }
  if (__DS_T19__) {
    Object.assign(out, {
      fontSizeHero800: '36px',
      lineHeightHero800: '44px',
      fontSizeHero900: '46px',
      lineHeightHero900: '54px',
      fontSizeHero1000: '64px',
      lineHeightHero1000: '72px',
    })
  }
  if (__DS_T21__) out.lineHeightBase300 = '24px'
  if (__DS_T38__) {
    Object.assign(out, { spacingVerticalXXL: '28px', spacingVerticalXXXL: '40px' })
  }
  return out
}
const THEME_KEY = 'lumen.theme'
const DARK_QUERY = '(prefers-color-scheme: dark)'

const useStyles = makeStyles({
  root: {
    minHeight: '100vh',
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
})

function readStoredTheme() {
  try {
    const value = window.localStorage.getItem(THEME_KEY)
    return value === 'light' || value === 'dark' ? value : 'system'
  } catch {
    return 'system'
  }
}

function useSystemDark() {
  const [dark, setDark] = useState(() => window.matchMedia(DARK_QUERY).matches)
  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY)
    const update = () => setDark(query.matches)
    query.addEventListener('change', update)
    return () => query.removeEventListener('change', update)
  }, [])
  return dark
}

export function SiteProvider({ initialUser, tokenData, children }) {
  const [user, setUser] = useState(initialUser)
  const [storedTheme, setStoredTheme] = useState(readStoredTheme)
  const systemDark = useSystemDark()
  const preference = user ? user.preferences?.theme || 'system' : storedTheme
  const mode = preference === 'system' ? (systemDark ? 'dark' : 'light') : preference

  const theme = useMemo(() => {
    const base = mode === 'dark' ? DARK_BASE : LIGHT_BASE
    return { ...base, ...lumenTokens(mode), ...(tokenData?.[mode] || {}) }
  }, [mode, tokenData])

  useEffect(() => {
    document.documentElement.lang = lang
    document.documentElement.style.colorScheme = mode
    document.body.style.backgroundColor = theme.colorNeutralBackground1
  }, [mode, theme])

  const chooseTheme = useCallback(
    async (next) => {
      if (user) {
        // members: the choice is saved to the account, so it follows them to other browsers
        const data = await api('/preferences', { method: 'PUT', body: { theme: next } })
        setUser((current) => (current ? { ...current, preferences: data.preferences } : current))
        return
      }
      try {
        window.localStorage.setItem(THEME_KEY, next)
      } catch {
        // storage may be unavailable (private mode): the choice lasts for this page view
      }
      setStoredTheme(next)
    },
    [user],
  )

  const value = useMemo(
    () => ({ user, setUser, mode, preference, chooseTheme, theme, tokenData }),
    [user, mode, preference, chooseTheme, theme, tokenData],
  )
  return (
    <SiteContext.Provider value={value}>
      <FluentProvider theme={theme}>
        <Surface>{children}</Surface>
      </FluentProvider>
    </SiteContext.Provider>
  )
}

function Surface({ children }) {
  const styles = useStyles()
  return <div className={styles.root}>{children}</div>
}

export function useSite() {
  return useContext(SiteContext)
}

// The full component list, fetched once per page load and shared by the gallery and the
// component pages.
let listPromise = null
let knownList = null

export function primeComponentList(items) {
  knownList = items
  listPromise = Promise.resolve(items)
}

export function knownComponentList() {
  return knownList
}

export function loadComponentList() {
  if (!listPromise) {
    listPromise = api('/components').then((data) => {
      knownList = data.components
      return data.components
    })
    listPromise.catch(() => {
      listPromise = null
    })
  }
  return listPromise
}

export function useComponentList() {
  const [list, setList] = useState(knownList)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let live = true
    loadComponentList().then(
      (items) => live && setList(items),
      () => live && setFailed(true),
    )
    return () => {
      live = false
    }
  }, [])
  return { list, failed }
}
