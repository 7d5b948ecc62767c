import { useRef, useState } from 'react'
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom'
import { Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { safeNext } from '../format.js'
import { Loading, Note, PageTitle, TextLink, usePageBusy } from '../ui.jsx'

export default function Verify() {
  const { user, loaded, pendingCode, setPendingCode, signedIn } = useAuth()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const [code, setCode] = useState('')
  const [error, setError] = useState('')
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const [restart, setRestart] = useState(false)
  const inFlight = useRef(false)
  const done = useRef(false)
  const next = safeNext(params.get('next'))
  usePageBusy(busy)

  if (!loaded) return <Loading />
  if (user && !pendingCode && !done.current) return <Navigate to={next || '/account'} replace />

  const submit = async (e) => {
    e.preventDefault()
    if (inFlight.current) return
    setError('')
    setNotice('')
    if (!/^\d{6}$/.test(code.replace(/\s+/g, ''))) {
      setError('Enter the 6-digit code from the email.')
      return
    }
    inFlight.current = true
    setBusy(true)
    let leaving = false
    try {
      const data = await api('/login/verify', { method: 'POST', body: { code } })
      done.current = true
      leaving = true
      signedIn(data.user)
      navigate(next || '/account')
    } catch (err) {
      if (err.body?.restart) {
        setPendingCode(false)
        setRestart(true)
      } else {
        setError(err.status === 422 ? err.message : 'Something went wrong. Please try again.')
      }
    } finally {
      // on success the page is left: it stays busy until the next page takes over
      if (!leaving) {
        inFlight.current = false
        setBusy(false)
      }
    }
  }

  const resend = async () => {
    setError('')
    setNotice('')
    try {
      await api('/login/resend', { method: 'POST' })
      setNotice('We sent you a new code. Codes from earlier emails no longer work.')
    } catch (err) {
      if (err.body?.restart) {
        setPendingCode(false)
        setRestart(true)
      } else setError('Something went wrong. Please try again.')
    }
  }

  if (restart || (!pendingCode && !user)) {
    return (
      <Stack maw={440} mx="auto" gap="md">
        <PageTitle mb={0}>Two-step sign-in</PageTitle>
        <Note color="orange">
          Your sign-in has expired. Please sign in again.
        </Note>
        <Text>
          <TextLink to={next ? `/signin?next=${encodeURIComponent(next)}` : '/signin'}>Back to sign in</TextLink>
        </Text>
      </Stack>
    )
  }

  const codeLabel = __AUTH_T3__
    ? {}
    : { label: 'Verification code', description: 'The 6-digit code from the email we just sent you' }

  return (
    <Stack maw={440} mx="auto" gap="md">
      <PageTitle mb={0}>Two-step sign-in</PageTitle>
      {__AUTH_T12__ ? (
        <Text>
          Check your inbox: we emailed you a 6-digit code that works for 10 minutes. Emails arrive in the{' '}
          <TextLink to="/outbox">Outbox</TextLink>.
        </Text>
      ) : (
        <Text>
          We sent a 6-digit code to your email address. You can read it in the <TextLink to="/outbox">Outbox</TextLink>.
        </Text>
      )}
      <Paper withBorder p="lg" component="form" noValidate onSubmit={submit}>
        <Stack gap="md">
          {error ? (
            <Note color="red" role="alert">
              {error}
            </Note>
          ) : null}
          {notice ? (
            <Note color="indigo">
              {notice}
            </Note>
          ) : null}
          {__AUTH_T3__ ? (
            <Text fw={500} fz="sm">
              Enter the 6-digit code from the email we just sent you
            </Text>
          ) : null}
          <TextInput
            {...codeLabel}
            data-testid="code-input"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            styles={{ input: { letterSpacing: '0.3em', fontSize: 20, fontFamily: 'ui-monospace, monospace' } }}
          />
          <Group gap="sm">
            <Button type="submit" loading={busy}>
              Verify
            </Button>
            <Button variant="subtle" onClick={resend}>
              Send a new code
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Text fz="sm">
        <TextLink to="/signin">Use a different account</TextLink>
      </Text>
    </Stack>
  )
}
