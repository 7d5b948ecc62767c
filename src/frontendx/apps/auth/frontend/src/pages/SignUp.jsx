import { useRef, useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { Button, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { Note, PageTitle, TextLink, usePageBusy } from '../ui.jsx'

const EMPTY = { name: '', email: '', password: '', confirm: '' }

export default function SignUp() {
  const { signedIn } = useAuth()
  const navigate = useNavigate()
  const [values, setValues] = useState(EMPTY)
  const [errors, setErrors] = useState({})
  const [failure, setFailure] = useState('')
  const [busy, setBusy] = useState(false)
  usePageBusy(busy)
  const inFlight = useRef(false)

  const field = (key) => ({
    value: values[key],
    error: errors[key],
    onChange: (e) => {
      const value = e.currentTarget.value
      setValues((v) => ({ ...v, [key]: value }))
    },
  })

  const submit = async (e) => {
    e.preventDefault()
    if (!__AUTH_T1__) {
      if (inFlight.current) return
      inFlight.current = true
      setBusy(true)
    }
    setErrors({})
    setFailure('')
    let leaving = false
    try {
      const data = await api('/signup', { method: 'POST', body: values })
      leaving = true
      signedIn(data.user)
      navigate('/account')
    } catch (err) {
      if (err.status === 422 && err.body?.errors) setErrors(err.body.errors)
      else setFailure('Something went wrong and your account was not created. Please try again.')
    } finally {
      // on success the page is left: it stays busy until the next page takes over
      if (!leaving) {
        inFlight.current = false
        setBusy(false)
      }
    }
  }

  return (
    <Stack maw={480} mx="auto" gap="md">
      <PageTitle mb={0}>Create your account</PageTitle>
      <Paper withBorder p="lg" component="form" noValidate onSubmit={submit}>
        <Stack gap="md">
          {failure ? (
            <Note color="red" role="alert">
              {failure}
            </Note>
          ) : null}
          <TextInput label="Full name" autoComplete="name" {...field('name')} />
          <TextInput label="Email" type="email" autoComplete="email" {...field('email')} />
          <PasswordInput
            label="Password"
            description="At least 10 characters, with at least one letter and one digit"
            autoComplete="new-password"
            {...field('password')}
          />
          <PasswordInput label="Confirm password" autoComplete="new-password" {...field('confirm')} />
          <Button type="submit" size="md" loading={busy}>
            Create account
          </Button>
        </Stack>
      </Paper>
      <Text fz="sm">
        Already have an account? <TextLink to="/signin">Sign in</TextLink>
      </Text>
    </Stack>
  )
}
