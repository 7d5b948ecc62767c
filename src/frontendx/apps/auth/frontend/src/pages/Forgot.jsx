import { useRef, useState } from 'react'
import { Button, Paper, Stack, Text, TextInput } from '@mantine/core'
import { api } from '../api.js'
import { Note, PageTitle, TextLink } from '../ui.jsx'

export default function Forgot() {
  const [email, setEmail] = useState('')
  const [error, setError] = useState('')
  const [sentTo, setSentTo] = useState(null)
  const [busy, setBusy] = useState(false)
  const inFlight = useRef(false)

  const submit = async (e) => {
    e.preventDefault()
    if (inFlight.current) return
    setError('')
    inFlight.current = true
    setBusy(true)
    try {
      await api('/password/forgot', { method: 'POST', body: { email } })
      setSentTo(email.trim())
    } catch (err) {
      setError(err.body?.errors?.email || 'Something went wrong. Please try again.')
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }

  return (
    <Stack maw={480} mx="auto" gap="md">
      <PageTitle mb={0}>Reset your password</PageTitle>
      {sentTo ? (
        <Note color="teal" title="Check your email">
          If an account exists for {sentTo}, we have sent it a link to choose a new password. The
          link works once and expires after 30 minutes. Emails arrive in the{' '}
          <TextLink to="/outbox">Outbox</TextLink>.
        </Note>
      ) : (
        <Paper withBorder p="lg" component="form" noValidate onSubmit={submit}>
          <Stack gap="md">
            <Text>
              {__AUTH_T13__
                ? 'Type the email address you signed up with. If it belongs to an account, we email it a link to choose a new password.'
                : 'Enter the email address of your account and we will send you a reset link.'}
            </Text>
            <TextInput label="Email" type="email" autoComplete="email" value={email} error={error || undefined} onChange={(e) => setEmail(e.currentTarget.value)} />
            <Button type="submit" loading={busy}>
              Send reset link
            </Button>
          </Stack>
        </Paper>
      )}
      <Text fz="sm">
        Remembered it? <TextLink to="/signin">Back to sign in</TextLink>
      </Text>
    </Stack>
  )
}
