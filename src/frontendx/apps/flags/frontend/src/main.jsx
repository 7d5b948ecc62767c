import 'bootstrap/dist/css/bootstrap.min.css'
import './app.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router-dom'
import App from './App.jsx'
import { AppProvider } from './store.jsx'

// Bootstrap's colour modes follow the system setting
const scheme = window.matchMedia('(prefers-color-scheme: dark)')
function applyScheme() {
  document.documentElement.setAttribute('data-bs-theme', scheme.matches ? 'dark' : 'light')
}
applyScheme()
scheme.addEventListener('change', applyScheme)

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <BrowserRouter>
      <AppProvider>
        <App />
      </AppProvider>
    </BrowserRouter>
  </StrictMode>,
)
