import { Link, Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router-dom'
import { App as AntApp, Button, Layout, Spin, theme } from 'antd'
import { api } from './api.js'
import { useAuth } from './auth.jsx'
import Login from './pages/Login.jsx'
import Customers from './pages/Customers.jsx'
import NewCustomer from './pages/NewCustomer.jsx'
import CustomerDetail from './pages/CustomerDetail.jsx'
import Users from './pages/Users.jsx'
import Audit from './pages/Audit.jsx'
import NotFound from './pages/NotFound.jsx'

function Header() {
  const { user, setUser } = useAuth()
  const { message } = AntApp.useApp()
  const navigate = useNavigate()
  const signOut = async () => {
    await api('/logout', { method: 'POST' })
    setUser(null)
    message.info('You have been signed out.')
    navigate('/login')
  }
  return (
    <Layout.Header className="app-header" style={{ background: '#12355b' }}>
      <Link to="/" className="app-brand">
        Larkspur Back Office
      </Link>
      {user ? (
        <nav className="app-nav" aria-label="Main">
          <NavLink to="/customers">Customers</NavLink>
          {user.role === 'admin' ? <NavLink to="/users">Users</NavLink> : null}
          {user.role === 'admin' ? <NavLink to="/audit">Audit log</NavLink> : null}
        </nav>
      ) : null}
      {user ? (
        <div className="app-account">
          <span className="account-name" data-testid="account-name">
            {user.name}
          </span>
          <span className="account-role" data-testid="account-role">
            {user.role === 'admin' ? 'Administrator' : `Editor · ${user.team}`}
          </span>
          <Button
            size="small"
            onClick={signOut}
            style={{ color: '#fff', background: 'transparent', borderColor: 'rgba(255, 255, 255, 0.65)' }}
          >
            Sign out
          </Button>
        </div>
      ) : null}
    </Layout.Header>
  )
}

export function RequireAuth({ children }) {
  const { user, loaded } = useAuth()
  const location = useLocation()
  if (!loaded) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', padding: 64 }}>
        <Spin aria-label="Loading" />
      </div>
    )
  }
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search)
    return <Navigate to={`/login?next=${next}`} replace />
  }
  return children
}

function Home() {
  const { user, loaded } = useAuth()
  if (!loaded) return null
  return <Navigate to={user ? '/customers' : '/login'} replace />
}

export default function App() {
  const { token } = theme.useToken()
  return (
    <Layout style={{ minHeight: '100vh', background: token.colorBgLayout }}>
      <Header />
      <Layout.Content className="app-content" role="main">
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/login" element={<Login />} />
          <Route
            path="/customers"
            element={
              <RequireAuth>
                <Customers />
              </RequireAuth>
            }
          />
          <Route
            path="/customers/new"
            element={
              <RequireAuth>
                <NewCustomer />
              </RequireAuth>
            }
          />
          <Route
            path="/customers/:id"
            element={
              <RequireAuth>
                <CustomerDetail />
              </RequireAuth>
            }
          />
          <Route
            path="/users"
            element={
              <RequireAuth>
                <Users />
              </RequireAuth>
            }
          />
          <Route
            path="/audit"
            element={
              <RequireAuth>
                <Audit />
              </RequireAuth>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Layout.Content>
    </Layout>
  )
}
