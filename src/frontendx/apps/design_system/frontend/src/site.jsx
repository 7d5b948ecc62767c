import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { FluentProvider, makeStyles, tokens, webDarkTheme, webLightTheme } from '@fluentui/react-components'
import { api } from './api.js'
import { lang } from './i18n.js'

const SiteContext = createContext(null)
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
    const base = mode === 'dark' ? webDarkTheme : webLightTheme
    return { ...base, ...(tokenData?.[mode] || {}) }
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
