import { useCallback, useState } from 'react'
import { Link, NavLink, Route, Routes, useNavigate } from 'react-router-dom'
import { Anchor, Box, Burger, Button, Container, Divider, Drawer, Group, Stack, Text } from '@mantine/core'
import { useAuth } from './auth.jsx'
import { BusyContext, RequireAuth, UserAvatar } from './ui.jsx'
import Home from './pages/Home.jsx'
import SignIn from './pages/SignIn.jsx'
import Verify from './pages/Verify.jsx'
import SignUp from './pages/SignUp.jsx'
import Forgot from './pages/Forgot.jsx'
import Reset from './pages/Reset.jsx'
import Outbox from './pages/Outbox.jsx'
import Overview from './pages/Overview.jsx'
import Settings from './pages/Settings.jsx'
import Sessions from './pages/Sessions.jsx'
import Profile from './pages/Profile.jsx'
import AdminUsers from './pages/AdminUsers.jsx'
import AdminAudit from './pages/AdminAudit.jsx'
import NotFound from './pages/NotFound.jsx'

function navItems(user) {
  const items = []
  if (user) {
    items.push({ to: '/account', label: 'Overview' })
    items.push({ to: '/account/settings', label: 'Settings' })
    items.push({ to: '/account/sessions', label: 'Sessions' })
    if (user.role === 'admin') {
      items.push({ to: '/admin/users', label: 'Users' })
      items.push({ to: '/admin/audit', label: 'Audit log' })
    }
  }
  items.push({ to: '/outbox', label: 'Outbox' })
  return items
}

function NavItem({ to, label, onClick }) {
  return (
    <Anchor
      component={NavLink}
      to={to}
      end
      onClick={onClick}
      c="inherit"
      underline="never"
      fw={500}
      fz="sm"
      px={8}
      py={6}
      className="nav-item"
    >
      {label}
    </Anchor>
  )
}

function Header() {
  const { user, loaded, signOut } = useAuth()
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const items = navItems(user)
  const close = () => setOpen(false)
  const doSignOut = async () => {
    close()
    await signOut()
    navigate('/signin')
  }
  const burgerName = __AUTH_T5__ ? {} : { 'aria-label': open ? 'Close menu' : 'Open menu' }
  return (
    <Box component="header" data-testid="app-header" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Container size="lg" py="sm">
        <Group justify="space-between" wrap="nowrap" gap="md">
          <Group gap="lg" wrap="nowrap">
            <Anchor component={Link} to="/" fw={800} fz="lg" c="inherit" underline="never" style={{ whiteSpace: 'nowrap' }}>
              Harbor ID
            </Anchor>
            <Group component="nav" aria-label="Main" gap={4} visibleFrom="sm">
              {items.map((item) => (
                <NavItem key={item.to} {...item} />
              ))}
            </Group>
          </Group>
          {loaded ? (
            <Group gap="sm" wrap="nowrap">
              {user ? (
                <>
                  <UserAvatar name={user.name} size={32} />
                  <Text component="span" fz="sm" fw={500} data-testid="header-name" visibleFrom="sm">
                    {user.name}
                  </Text>
                  <Button variant="default" size="xs" onClick={doSignOut} visibleFrom="sm">
                    Sign out
                  </Button>
                </>
              ) : (
                <Group gap="xs" visibleFrom="sm">
                  <Button component={Link} to="/signin" variant="default" size="xs">
                    Sign in
                  </Button>
                  <Button component={Link} to="/signup" size="xs">
                    Create account
                  </Button>
                </Group>
              )}
              <Burger opened={open} onClick={() => setOpen((o) => !o)} hiddenFrom="sm" size="sm" {...burgerName} />
            </Group>
          ) : null}
        </Group>
      </Container>
      <Drawer opened={open} onClose={close} title="Menu" position="right" size="xs" hiddenFrom="sm" transitionProps={{ duration: 0 }}>
        <Stack component="nav" aria-label="Menu" gap={4}>
          {items.map((item) => (
            <NavItem key={item.to} {...item} onClick={close} />
          ))}
          <Divider my="sm" />
          {user ? (
            <>
              <Text fz="sm">Signed in as {user.name}</Text>
              <Button variant="default" onClick={doSignOut}>
                Sign out
              </Button>
            </>
          ) : (
            <>
              <Button component={Link} to="/signin" variant="default" onClick={close}>
                Sign in
              </Button>
              <Button component={Link} to="/signup" onClick={close}>
                Create account
              </Button>
            </>
          )}
        </Stack>
      </Drawer>
    </Box>
  )
}

function Footer() {
  return (
    <Box component="footer" py="lg" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Container size="lg">
        <Text fz="sm" c="dimmed" ta="center">
          Harbor ID account portal · Emails from this portal are delivered to the{' '}
          <Anchor component={Link} to="/outbox" fz="sm">
            Outbox
          </Anchor>
        </Text>
      </Container>
    </Box>
  )
}

export default function App() {
  const { loaded } = useAuth()
  const [busyParts, setBusyParts] = useState(() => new Set())
  const setBusy = useCallback((id, value) => {
    setBusyParts((parts) => {
      if (parts.has(id) === Boolean(value)) return parts
      const next = new Set(parts)
      if (value) next.add(id)
      else next.delete(id)
      return next
    })
  }, [])
  const pageBusy = busyParts.size > 0
  const busy = !loaded || pageBusy
  return (
    <BusyContext.Provider value={setBusy}>
      <Box mih="100vh" style={{ display: 'flex', flexDirection: 'column' }}>
        <Header />
        <Container component="main" size="lg" py="xl" w="100%" style={{ flexGrow: 1 }} aria-busy={busy ? 'true' : 'false'}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/signin" element={<SignIn />} />
            <Route path="/signin/verify" element={<Verify />} />
            <Route path="/signup" element={<SignUp />} />
            <Route path="/forgot" element={<Forgot />} />
            <Route path="/reset" element={<Reset />} />
            <Route path="/outbox" element={<Outbox />} />
            <Route path="/account" element={<RequireAuth><Overview /></RequireAuth>} />
            <Route path="/account/settings" element={<RequireAuth><Settings /></RequireAuth>} />
            <Route path="/account/sessions" element={<RequireAuth><Sessions /></RequireAuth>} />
            <Route path="/users/:id" element={<RequireAuth><Profile /></RequireAuth>} />
            <Route path="/admin/users" element={<RequireAuth><AdminUsers /></RequireAuth>} />
            <Route path="/admin/audit" element={<RequireAuth><AdminAudit /></RequireAuth>} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Container>
        <Footer />
      </Box>
    </BusyContext.Provider>
  )
}
