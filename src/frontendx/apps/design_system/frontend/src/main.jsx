import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router-dom'
import { createTabster } from 'tabster'
import App from './App.jsx'
import { api } from './api.js'
import { SiteProvider, primeComponentList } from './site.jsx'

// Keyboard focus management for every Fluent component. Tabster handles the Tab key itself, so
// focus traps and arrow-key groups need no hidden focusable helper elements in the page.
createTabster(window, { autoRoot: {}, controlTab: true })

async function boot() {
  const early = window.__lumenBoot || []
  const [tokenData, me, components] = await Promise.all([
    early[0] || api('/tokens').catch(() => null),
    early[1] || api('/me').catch(() => null),
    early[2] || null,
  ])
  if (components?.components) primeComponentList(components.components)
  createRoot(document.getElementById('root')).render(
    <StrictMode>
      <BrowserRouter>
        <SiteProvider initialUser={me?.user ?? null} tokenData={tokenData}>
          <App />
        </SiteProvider>
      </BrowserRouter>
    </StrictMode>,
  )
}

boot()
