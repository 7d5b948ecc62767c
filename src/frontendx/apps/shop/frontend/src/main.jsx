import { StrictMode, useMemo } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router-dom'
import { ThemeProvider, createTheme } from '@mui/material/styles'
import CssBaseline from '@mui/material/CssBaseline'
import useMediaQuery from '@mui/material/useMediaQuery'
import App from './App.jsx'
import { ShopProvider } from './store.jsx'

function Root() {
  const dark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true })
  const theme = useMemo(
    () =>
      createTheme({
        palette: {
          mode: dark ? 'dark' : 'light',
          primary: { main: dark ? '#4db6ac' : __SHOP_T7__ ? '#004d40' : '#00695c' },
          secondary: { main: dark ? '#ffb74d' : '#bf5f00' },
          background: dark ? {} : { default: '#f6f7f5' },
        },
        shape: { borderRadius: 10 },
        typography: {
          fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
          h1: { fontSize: '2rem', fontWeight: 700 },
          h2: { fontSize: '1.4rem', fontWeight: 600 },
        },
        // no ripples or transitions: snappier on slow machines, and deterministic screenshots
        transitions: { create: () => 'none' },
        components: {
          MuiButtonBase: {
            defaultProps: { disableRipple: true },
            styleOverrides: { root: { '&.Mui-focusVisible': { outline: '2px solid currentColor', outlineOffset: 2 } } },
          },
          MuiButton: { defaultProps: { disableElevation: true }, styleOverrides: { root: { textTransform: 'none', fontWeight: 600 } } },
        },
      }),
    [dark],
  )
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <BrowserRouter>
        <ShopProvider>
          <App />
        </ShopProvider>
      </BrowserRouter>
    </ThemeProvider>
  )
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <Root />
  </StrictMode>,
)
