import { useRef, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { Anchor, Button, Checkbox, Group, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { safeNext } from '../format.js'
import { Note, PageTitle, TextLink, usePageBusy } from '../ui.jsx'

export default function SignIn() {
  const { user, expired, signedIn, setPendingCode } = useAuth()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [remember, setRemember] = useState(!__AUTH_T11__)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  usePageBusy(busy)
  const inFlight = useRef(false)
  const next = safeNext(params.get('next'))

  const submit = async (e) => {
    e.preventDefault()
    if (inFlight.current) return
    setError('')
    if (!email.trim() || !password) {
      setError('Enter your email and password.')
      return
    }
    inFlight.current = true
    setBusy(true)
    let leaving = false
    try {
      const data = await api('/login', { method: 'POST', body: { email, password, remember } })
      if (data.twoStep) {
        setPendingCode(true)
        const verify = __AUTH_T2__ || !next ? '/signin/verify' : `/signin/verify?next=${encodeURIComponent(next)}`
        leaving = true
        navigate(verify)
        return
      }
      leaving = true
      signedIn(data.user)
      navigate(next || '/account')
    } catch (err) {
      setError(err.status === 422 ? err.message : 'Sign-in failed. Please try again.')
    } finally {
      // on success the page is left: it stays busy until the next page takes over
      if (!leaving) {
        inFlight.current = false
        setBusy(false)
      }
    }
  }

  return (
    <Stack maw={440} mx="auto" gap="md">
      <PageTitle mb={0}>Sign in</PageTitle>
      {expired && !user ? (
        <Note color="orange" title="Signed out">
          Your session has expired. Please sign in again.
        </Note>
      ) : null}
      {user ? (
        <Note color="indigo">
          You are signed in as {user.email}. Sign in below to switch accounts.
        </Note>
      ) : null}
      <Paper withBorder p="lg" component="form" noValidate onSubmit={submit}>
        <Stack gap="md">
          {error ? (
            <Note color="red" role="alert">
              {error}
            </Note>
          ) : null}
          <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Group justify="space-between" gap="xs">
            <Checkbox
              label="Keep me signed in"
              description={__AUTH_T11__ ? 'Leave this unticked on shared or public computers.' : undefined}
              checked={remember}
              onChange={(e) => setRemember(e.currentTarget.checked)}
            />
            <Anchor component={Link} to="/forgot" fz="sm">
              Forgot password?
            </Anchor>
          </Group>
          <Button type="submit" size="md" loading={busy}>
            Sign in
          </Button>
        </Stack>
      </Paper>
      <Text fz="sm">
        New to Harbor ID? <TextLink to="/signup">Create an account</TextLink>
      </Text>
    </Stack>
  )
}
