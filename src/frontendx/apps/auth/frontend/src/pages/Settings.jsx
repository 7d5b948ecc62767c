import { useEffect, useRef, useState } from 'react'
import { Button, Group, NativeSelect, Paper, PasswordInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { Loading, Note, PageTitle, usePageBusy } from '../ui.jsx'

const DATE_FORMATS = [
  { value: 'browser', label: 'Browser default' },
  { value: 'iso', label: '2025-03-04 (year-month-day)' },
  { value: 'dmy', label: '04/03/2025 (day/month/year)' },
  { value: 'mdy', label: '03/04/2025 (month/day/year)' },
]
const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'Deutsch' },
]

function Section({ title, children }) {
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-label={title}>
      <Title order={2} fz="lg" mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  )
}

function useSubmit() {
  const inFlight = useRef(false)
  const [busy, setBusy] = useState(false)
  const run = async (work) => {
    if (inFlight.current) return
    inFlight.current = true
    setBusy(true)
    try {
      await work()
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }
  return [busy, run]
}

function Saved({ children }) {
  return (
    <Note color="teal" role="status" py="xs">
      {children}
    </Note>
  )
}

function ProfileForm({ account, onSaved }) {
  const { user, setUser } = useAuth()
  const [name, setName] = useState(account.name)
  const [email, setEmail] = useState(account.email)
  const [errors, setErrors] = useState({})
  const [saved, setSaved] = useState(false)
  const [busy, run] = useSubmit()
  const submit = (e) => {
    e.preventDefault()
    run(async () => {
      setErrors({})
      setSaved(false)
      try {
        const data = await api('/account/profile', { method: 'POST', body: { name, email } })
        onSaved(data.account)
        setName(data.account.name)
        setEmail(data.account.email)
        if (!__AUTH_T8__) setUser({ ...user, name: data.account.name, email: data.account.email })
        setSaved(true)
      } catch (err) {
        setErrors(err.body?.errors || { name: 'Your profile could not be saved.' })
      }
    })
  }
  return (
    <form noValidate onSubmit={submit}>
      <Stack gap="md">
        <TextInput label="Full name" autoComplete="name" value={name} error={errors.name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label="Email" type="email" autoComplete="email" value={email} error={errors.email} onChange={(e) => setEmail(e.currentTarget.value)} />
        {saved ? <Saved>Profile saved.</Saved> : null}
        <Group>
          <Button type="submit" loading={busy}>
            Save profile
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function PasswordForm({ onSaved }) {
  const [values, setValues] = useState({ current: '', password: '', confirm: '' })
  const [errors, setErrors] = useState({})
  const [saved, setSaved] = useState(false)
  const [busy, run] = useSubmit()
  const field = (key) => ({
    value: values[key],
    error: errors[key],
    onChange: (e) => {
      const value = e.currentTarget.value
      setValues((v) => ({ ...v, [key]: value }))
    },
  })
  const submit = (e) => {
    e.preventDefault()
    run(async () => {
      setErrors({})
      setSaved(false)
      try {
        const data = await api('/account/password', { method: 'POST', body: values })
        onSaved(data.account)
        setValues({ current: '', password: '', confirm: '' })
        setSaved(true)
      } catch (err) {
        setErrors(err.body?.errors || { current: 'Your password could not be changed.' })
      }
    })
  }
  return (
    <form noValidate onSubmit={submit}>
      <Stack gap="md">
        <PasswordInput label="Current password" autoComplete="current-password" {...field('current')} />
        <PasswordInput
          label="New password"
          description="At least 10 characters, with at least one letter and one digit"
          autoComplete="new-password"
          {...field('password')}
        />
        <PasswordInput label="Confirm new password" autoComplete="new-password" {...field('confirm')} />
        {saved ? <Saved>Password changed. Your other sessions were signed out.</Saved> : null}
        <Group>
          <Button type="submit" loading={busy}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function TwoStepForm({ account, onSaved }) {
  const [message, setMessage] = useState('')
  const [busy, run] = useSubmit()
  const toggle = (enabled) =>
    run(async () => {
      setMessage('')
      try {
        const data = await api('/account/two-step', { method: 'POST', body: { enabled } })
        onSaved(data.account)
        setMessage(data.account.twoStep ? 'Two-step sign-in is on.' : 'Two-step sign-in is off.')
      } catch {
        setMessage('The change could not be saved.')
      }
    })
  return (
    <Stack gap="md">
      <Switch
        label="Two-step sign-in"
        description="Ask for a 6-digit code from your email every time you sign in"
        checked={account.twoStep}
        disabled={busy}
        onChange={(e) => toggle(e.currentTarget.checked)}
      />
      {message ? <Saved>{message}</Saved> : null}
    </Stack>
  )
}

function PreferencesForm({ account, onSaved }) {
  const { user, setUser } = useAuth()
  const [dateFormat, setDateFormat] = useState(account.prefs.dateFormat)
  const [emailLanguage, setEmailLanguage] = useState(account.prefs.emailLanguage)
  const [saved, setSaved] = useState(false)
  const [failure, setFailure] = useState('')
  const [busy, run] = useSubmit()
  const submit = (e) => {
    e.preventDefault()
    run(async () => {
      setSaved(false)
      setFailure('')
      try {
        const data = await api('/account/preferences', { method: 'POST', body: { dateFormat, emailLanguage } })
        onSaved(data.account)
        setUser({ ...user, prefs: data.account.prefs })
        setSaved(true)
      } catch {
        setFailure('Your preferences could not be saved.')
      }
    })
  }
  return (
    <form noValidate onSubmit={submit}>
      <Stack gap="md">
        <NativeSelect label="Date format" description="How dates and times are shown in the portal" data={DATE_FORMATS} value={dateFormat} onChange={(e) => setDateFormat(e.currentTarget.value)} />
        <NativeSelect label="Email language" description="The language of the emails we send you" data={LANGUAGES} value={emailLanguage} onChange={(e) => setEmailLanguage(e.currentTarget.value)} />
        {saved ? <Saved>Preferences saved.</Saved> : null}
        {failure ? (
          <Note color="red" role="alert">
            {failure}
          </Note>
        ) : null}
        <Group>
          <Button type="submit" loading={busy}>
            Save preferences
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

export default function Settings() {
  const [account, setAccount] = useState(null)
  const [failed, setFailed] = useState(false)
  usePageBusy(account === null && !failed)

  useEffect(() => {
    let live = true
    api('/account')
      .then((data) => live && setAccount(data.account))
      .catch(() => live && setFailed(true))
    return () => {
      live = false
    }
  }, [])

  if (failed) return <Text>Your settings could not be loaded.</Text>
  if (!account) return <Loading label="Loading your settings" />
  return (
    <Stack gap="lg" maw={640}>
      <PageTitle mb={0}>Settings</PageTitle>
      <Section title="Profile">
        <ProfileForm account={account} onSaved={setAccount} />
      </Section>
      <Section title="Password">
        <PasswordForm onSaved={setAccount} />
      </Section>
      <Section title="Two-step sign-in">
        <TwoStepForm account={account} onSaved={setAccount} />
      </Section>
      <Section title="Preferences">
        <PreferencesForm account={account} onSaved={setAccount} />
      </Section>
    </Stack>
  )
}
