import { useEffect, useRef, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { Button, Paper, PasswordInput, Stack, Text } from '@mantine/core'
import { api } from '../api.js'
import { Loading, Note, PageTitle, TextLink, usePageBusy } from '../ui.jsx'

const INVALID = 'This reset link has expired or was already used.'

export default function Reset() {
  const [params] = useSearchParams()
  const token = params.get('token') || ''
  const [link, setLink] = useState(null) // {valid, email}
  const [values, setValues] = useState({ password: '', confirm: '' })
  const [errors, setErrors] = useState({})
  const [failure, setFailure] = useState('')
  const [done, setDone] = useState(false)
  const [busy, setBusy] = useState(false)
  const inFlight = useRef(false)
  usePageBusy(link === null)

  useEffect(() => {
    let live = true
    setLink(null)
    if (!token) {
      setLink({ valid: false })
      return undefined
    }
    api(`/password/reset/${encodeURIComponent(token)}`)
      .then((data) => live && setLink(data))
      .catch(() => live && setLink({ valid: false }))
    return () => {
      live = false
    }
  }, [token])

  const submit = async (e) => {
    e.preventDefault()
    if (inFlight.current) return
    inFlight.current = true
    setBusy(true)
    setErrors({})
    setFailure('')
    try {
      await api('/password/reset', { method: 'POST', body: { token, ...values } })
      setDone(true)
    } catch (err) {
      if (err.body?.invalid) setLink({ valid: false })
      else if (err.body?.errors) setErrors(err.body.errors)
      else setFailure('Something went wrong. Please try again.')
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }

  if (link === null) return <Loading />
  if (done) {
    return (
      <Stack maw={480} mx="auto" gap="md">
        <PageTitle mb={0}>Password changed</PageTitle>
        <Note color="teal">
          Your password has been changed. You can now sign in with your new password.
        </Note>
        <Text>
          <TextLink to="/signin">Sign in</TextLink>
        </Text>
      </Stack>
    )
  }
  if (!link.valid) {
    return (
      <Stack maw={480} mx="auto" gap="md">
        <PageTitle mb={0}>Reset link not valid</PageTitle>
        <Note color="orange">
          {INVALID}
        </Note>
        <Text>
          <TextLink to="/forgot">Request a new link</TextLink>
        </Text>
      </Stack>
    )
  }
  const field = (key) => ({
    value: values[key],
    error: errors[key],
    onChange: (e) => {
      const value = e.currentTarget.value
      setValues((v) => ({ ...v, [key]: value }))
    },
  })
  return (
    <Stack maw={480} mx="auto" gap="md">
      <PageTitle mb={0}>Choose a new password</PageTitle>
      <Text>
        For <strong>{link.email}</strong>
      </Text>
      <Paper withBorder p="lg" component="form" noValidate onSubmit={submit}>
        <Stack gap="md">
          {failure ? (
            <Note color="red" role="alert">
              {failure}
            </Note>
          ) : null}
          <PasswordInput
            label="New password"
            description="At least 10 characters, with at least one letter and one digit"
            autoComplete="new-password"
            {...field('password')}
          />
          <PasswordInput label="Confirm new password" autoComplete="new-password" {...field('confirm')} />
          <Button type="submit" loading={busy}>
            Set new password
          </Button>
        </Stack>
      </Paper>
    </Stack>
  )
}
