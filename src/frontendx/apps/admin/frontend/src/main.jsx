import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router-dom'
import { App as AntApp, ConfigProvider, theme } from 'antd'
import enUS from 'antd/locale/en_US'
import App from './App.jsx'
import { AuthProvider } from './auth.jsx'
import { DarkContext } from './mode.js'
// every component's styles come prebuilt from antd.css (no style generation at run time)
import 'antd/dist/antd.css'
import './styles.css'

const DARK_QUERY = '(prefers-color-scheme: dark)'

function usePrefersDark() {
  const [dark, setDark] = useState(() => window.matchMedia(DARK_QUERY).matches)
  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY)
    const update = () => setDark(query.matches)
    query.addEventListener('change', update)
    return () => query.removeEventListener('change', update)
  }, [])
  return dark
}

const LIGHT_TOKENS = {
  colorPrimary: '#1554b8',
  colorLink: '#1554b8',
  colorTextSecondary: __ADMIN_T13__ ? 'rgba(0, 0, 0, 0.8)' : 'rgba(0, 0, 0, 0.68)',
  colorTextTertiary: __ADMIN_T13__ ? 'rgba(0, 0, 0, 0.72)' : 'rgba(0, 0, 0, 0.62)',
  colorTextDescription: __ADMIN_T13__ ? 'rgba(0, 0, 0, 0.8)' : 'rgba(0, 0, 0, 0.68)',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.58)',
  colorBgLayout: '#f4f6f8',
  colorError: '#c62828',
}
const DARK_TOKENS = {
  colorPrimary: '#3c89e8',
  colorLink: '#69a8f5',
  colorTextSecondary: 'rgba(255, 255, 255, 0.72)',
  colorTextTertiary: 'rgba(255, 255, 255, 0.66)',
  colorTextDescription: 'rgba(255, 255, 255, 0.72)',
  colorTextPlaceholder: 'rgba(255, 255, 255, 0.6)',
  colorBgLayout: '#101214',
  colorError: '#ff7875',
}

function Root() {
  const dark = usePrefersDark()
  useEffect(() => {
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light'
  }, [dark])
  return (
    <DarkContext.Provider value={dark}>
    <ConfigProvider
      locale={enUS}
      wave={{ disabled: true }}
      theme={{
        algorithm: dark ? theme.darkAlgorithm : theme.defaultAlgorithm,
        cssVar: true,
        zeroRuntime: true,
        token: {
          ...(dark ? DARK_TOKENS : LIGHT_TOKENS),
          // no animations: snappier on slow machines, and deterministic screenshots
          motion: false,
          borderRadius: 8,
          fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
        },
      }}
    >
      <AntApp>
        <BrowserRouter>
          <AuthProvider>
            <App />
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
    </DarkContext.Provider>
  )
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <Root />
  </StrictMode>,
)
