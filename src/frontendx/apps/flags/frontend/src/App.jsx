import { Link, NavLink, Route, Routes, useNavigate } from 'react-router-dom'
import Badge from 'react-bootstrap/Badge'
import Button from 'react-bootstrap/Button'
import Container from 'react-bootstrap/Container'
import Nav from 'react-bootstrap/Nav'
import Navbar from 'react-bootstrap/Navbar'
import Toast from 'react-bootstrap/Toast'
import { api } from './api.js'
import { BETA } from './flags.js'
import { useApp } from './store.jsx'
import Landing from './pages/Landing.jsx'
import Menu from './pages/Menu.jsx'
import Recipe from './pages/Recipe.jsx'
import Box from './pages/Box.jsx'
import Checkout from './pages/Checkout.jsx'
import Login from './pages/Login.jsx'
import Pricing from './pages/Pricing.jsx'
import Join from './pages/Join.jsx'
import Account from './pages/Account.jsx'
import Order from './pages/Order.jsx'
import Labs from './pages/Labs.jsx'
import NotFound from './pages/NotFound.jsx'

function Header() {
  const { user, setUser, box, notify } = useApp()
  const navigate = useNavigate()
  const count = box ? box.recipeCount : 0
  const signOut = async () => {
    await api('/logout', { method: 'POST' })
    setUser(null)
    notify('You have been signed out.')
    navigate('/')
  }
  return (
    <Navbar expand="md" className="border-bottom bg-body" sticky="top" collapseOnSelect>
      <Container>
        <Navbar.Brand as={Link} to="/" className="fw-bold d-flex align-items-center">
          <span className="brand-mark" aria-hidden="true">
            S
          </span>
          Sprig &amp; Spoon
        </Navbar.Brand>
        <div className="d-flex align-items-center gap-2 order-md-last">
          <Link
            to="/box"
            className="btn btn-outline-success btn-sm d-flex align-items-center gap-1"
            aria-label={`Box, ${count} ${count === 1 ? 'recipe' : 'recipes'}`}
          >
            Box
            <Badge bg="success" pill>
              {count}
            </Badge>
          </Link>
          <Navbar.Toggle aria-controls="main-nav" />
        </div>
        <Navbar.Collapse id="main-nav">
          <Nav className="me-auto" as="ul">
            <Nav.Item as="li">
              <Nav.Link as={NavLink} to="/menu" eventKey="menu">
                Menu
              </Nav.Link>
            </Nav.Item>
            <Nav.Item as="li">
              <Nav.Link as={NavLink} to="/pricing" eventKey="pricing">
                Pricing
              </Nav.Link>
            </Nav.Item>
            <Nav.Item as="li">
              <Nav.Link as={NavLink} to="/labs" eventKey="labs">
                Labs
                {BETA ? (
                  <Badge bg="warning" text="dark" className="ms-1">
                    Beta
                  </Badge>
                ) : null}
              </Nav.Link>
            </Nav.Item>
          </Nav>
          <Nav className="align-items-md-center gap-md-2 me-md-2" as="ul">
            {user ? (
              <>
                <Nav.Item as="li">
                  <Nav.Link as={NavLink} to="/account" eventKey="account">
                    Account
                  </Nav.Link>
                </Nav.Item>
                <Nav.Item as="li">
                  <Button variant="link" className="nav-link" onClick={signOut}>
                    Sign out
                  </Button>
                </Nav.Item>
              </>
            ) : (
              <Nav.Item as="li">
                <Nav.Link as={NavLink} to="/login" eventKey="login">
                  Sign in
                </Nav.Link>
              </Nav.Item>
            )}
          </Nav>
        </Navbar.Collapse>
      </Container>
    </Navbar>
  )
}

function Toasts() {
  const { toasts, dismiss } = useApp()
  return (
    <div className="toast-stack" role="status" aria-live="polite">
      {toasts.map((t) => (
        <Toast key={t.id} onClose={() => dismiss(t.id)} bg={t.variant} className="mb-2 text-white">
          <Toast.Body>{t.message}</Toast.Body>
        </Toast>
      ))}
    </div>
  )
}

export default function App() {
  return (
    <div className="app-shell">
      <Header />
      <Container as="main" className="py-4">
        <Routes>
          <Route path="/" element={<Landing />} />
          <Route path="/menu" element={<Menu />} />
          <Route path="/recipes/:slug" element={<Recipe />} />
          <Route path="/box" element={<Box />} />
          <Route path="/checkout" element={<Checkout />} />
          <Route path="/login" element={<Login />} />
          <Route path="/pricing" element={<Pricing />} />
          <Route path="/join/:plan" element={<Join />} />
          <Route path="/account" element={<Account />} />
          <Route path="/account/orders/:id" element={<Order />} />
          <Route path="/labs" element={<Labs />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Container>
      <footer className="border-top py-4 text-center small text-body-secondary">
        <Container>
          Sprig &amp; Spoon · Prices in US dollars · Free delivery on boxes of $60 or more ·{' '}
          <Link to="/labs">Preview features</Link>
        </Container>
      </footer>
      <Toasts />
    </div>
  )
}
