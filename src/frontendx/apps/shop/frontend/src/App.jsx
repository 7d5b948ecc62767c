import { useEffect } from 'react'
import { Link as RouterLink, NavLink, Route, Routes, useNavigate } from 'react-router-dom'
import AppBar from '@mui/material/AppBar'
import Badge from '@mui/material/Badge'
import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import Container from '@mui/material/Container'
import IconButton from '@mui/material/IconButton'
import Toolbar from '@mui/material/Toolbar'
import Typography from '@mui/material/Typography'
import { api } from './api.js'
import { CartIcon, StoreIcon } from './icons.jsx'
import { useShop } from './store.jsx'
import Catalog from './pages/Catalog.jsx'
import Product from './pages/Product.jsx'
import Cart from './pages/Cart.jsx'
import Checkout from './pages/Checkout.jsx'
import Login from './pages/Login.jsx'
import Orders from './pages/Orders.jsx'
import OrderDetail from './pages/OrderDetail.jsx'
import Admin from './pages/Admin.jsx'
import NotFound from './pages/NotFound.jsx'

function NavButton({ to, children }) {
  return (
    <Button
      component={NavLink}
      to={to}
      end={to === '/'}
      color="inherit"
      sx={{ opacity: 0.85, '&.active': { opacity: 1, textDecoration: 'underline', textUnderlineOffset: 6 } }}
    >
      {children}
    </Button>
  )
}

function Notice({ message, onDone }) {
  useEffect(() => {
    if (!message) return undefined
    const handle = setTimeout(() => onDone(null), 2500)
    return () => clearTimeout(handle)
  }, [message, onDone])
  return (
    <Box
      role="status"
      aria-live="polite"
      sx={{
        position: 'fixed',
        left: '50%',
        bottom: 24,
        transform: 'translateX(-50%)',
        zIndex: 1400,
        pointerEvents: 'none',
        maxWidth: 'calc(100vw - 32px)',
      }}
    >
      {message ? (
        <Box sx={{ bgcolor: 'grey.900', color: '#fff', px: 2.5, py: 1.5, borderRadius: 2, boxShadow: 6, fontSize: '0.95rem' }}>
          {message}
        </Box>
      ) : null}
    </Box>
  )
}

function Header() {
  const { user, setUser, cart, refreshCart, notify } = useShop()
  const navigate = useNavigate()
  const count = cart.itemCount
  const signOut = async () => {
    await api('/logout', { method: 'POST' })
    setUser(null)
    await refreshCart()
    notify('You have been signed out.')
    navigate('/')
  }
  return (
    <AppBar position="sticky" color="primary" elevation={0}>
      <Container maxWidth="lg">
        <Toolbar disableGutters sx={{ flexWrap: 'wrap', columnGap: 1, minHeight: { xs: 56, sm: 64 } }}>
          <Box
            component={RouterLink}
            to="/"
            sx={{ display: 'flex', alignItems: 'center', gap: 1, color: 'inherit', textDecoration: 'none', mr: { xs: 0, sm: 2 } }}
          >
            <StoreIcon />
            <Typography component="span" sx={{ fontWeight: 700, fontSize: { xs: '1rem', sm: '1.15rem' }, whiteSpace: 'nowrap' }}>
              Pinecrest Supply
            </Typography>
          </Box>
          <Box component="nav" aria-label="Main" sx={{ display: 'flex', gap: 0.5, order: { xs: 3, sm: 0 }, width: { xs: '100%', sm: 'auto' } }}>
            <NavButton to="/">Shop</NavButton>
            {user ? <NavButton to="/orders">Orders</NavButton> : null}
            {user?.role === 'admin' ? <NavButton to="/admin">Admin</NavButton> : null}
          </Box>
          <Box sx={{ flexGrow: 1 }} />
          <IconButton
            component={RouterLink}
            to="/cart"
            color="inherit"
            aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}
          >
            <Badge badgeContent={count} color="secondary">
              <CartIcon />
            </Badge>
          </IconButton>
          {user ? (
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
              <Typography
                component="span"
                data-testid="account-name"
                sx={{ display: { xs: 'none', sm: 'inline' }, fontSize: '0.9rem', opacity: 0.9 }}
              >
                {user.name}
              </Typography>
              <Button color="inherit" variant="outlined" size="small" onClick={signOut}>
                Sign out
              </Button>
            </Box>
          ) : (
            <Button color="inherit" variant="outlined" size="small" component={RouterLink} to="/login">
              Sign in
            </Button>
          )}
        </Toolbar>
      </Container>
    </AppBar>
  )
}

export default function App() {
  const { notice, notify } = useShop()
  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <Header />
      <Container component="main" maxWidth="lg" sx={{ py: { xs: 3, sm: 4 }, flexGrow: 1 }}>
        <Routes>
          <Route path="/" element={<Catalog />} />
          <Route path="/product/:id" element={<Product />} />
          <Route path="/cart" element={<Cart />} />
          <Route path="/checkout" element={<Checkout />} />
          <Route path="/login" element={<Login />} />
          <Route path="/orders" element={<Orders />} />
          <Route path="/orders/:id" element={<OrderDetail />} />
          <Route path="/admin" element={<Admin />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Container>
      <Box component="footer" sx={{ py: 3, textAlign: 'center', color: 'text.secondary', fontSize: '0.85rem' }}>
        Pinecrest Supply · Prices in US dollars · Free shipping on orders of $50 or more
      </Box>
      <Notice message={notice} onDone={notify} />
    </Box>
  )
}
