import { createContext, useContext, useId, useLayoutEffect } from 'react'
import { Link, Navigate, useLocation } from 'react-router-dom'
import { Alert, Anchor, Avatar, Center, Loader, Title, useComputedColorScheme } from '@mantine/core'
import { useAuth } from './auth.jsx'
import { initials } from './format.js'

// The page's main landmark is aria-busy while anything on the page loads its data.
export const BusyContext = createContext(() => {})

export function usePageBusy(busy) {
  const setBusy = useContext(BusyContext)
  const id = useId()
  useLayoutEffect(() => {
    setBusy(id, busy)
    return () => setBusy(id, false)
  }, [id, busy, setBusy])
}

export function PageTitle({ children, ...props }) {
  return (
    <Title order={1} fz={{ base: 26, sm: 30 }} mb="lg" {...props}>
      {children}
    </Title>
  )
}

export function Loading({ label = 'Loading' }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} role="progressbar" />
    </Center>
  )
}

export function UserAvatar({ name, size = 'md', ...props }) {
  return (
    <Avatar color="indigo" variant="filled" radius="xl" size={size} alt="" {...props}>
      {initials(name)}
    </Avatar>
  )
}

export function TextLink({ to, children, ...props }) {
  return (
    <Anchor component={Link} to={to} {...props}>
      {children}
    </Anchor>
  )
}

// Pages that need a signed-in person send everybody else to sign in (and back afterwards).
export function RequireAuth({ children }) {
  const { user, loaded } = useAuth()
  const location = useLocation()
  usePageBusy(!loaded)
  if (!loaded) return <Loading />
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search)
    return <Navigate to={`/signin?next=${next}`} replace />
  }
  return children
}

// Outline colours that stay readable on both the light and the dark background.
export function useTone() {
  const dark = useComputedColorScheme('light') === 'dark'
  return (color) => `${color}.${dark ? 3 : 9}`
}

export function Note({ color, children, ...props }) {
  const tone = useTone()
  return (
    <Alert color={tone(color)} variant="outline" {...props}>
      {children}
    </Alert>
  )
}
