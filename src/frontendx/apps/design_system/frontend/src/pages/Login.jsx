import { useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router-dom'
import { Button, Field, Input, MessageBar, MessageBarBody, makeStyles, tokens } from '@fluentui/react-components'
import { api } from '../api.js'
import { useSite } from '../site.jsx'
import { Page, PageHeader, usePageTitle } from '../ui.jsx'

const useStyles = makeStyles({
  form: { display: 'grid', gap: tokens.spacingVerticalL, maxWidth: '400px' },
  error: { maxWidth: '400px' },
})

export default function Login() {
  const styles = useStyles()
  usePageTitle('Sign in')
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const { setUser } = useSite()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const data = await api('/login', { method: 'POST', body: { email, password } })
      if (!data.ok) {
        setError(data.error)
        return
      }
      setUser(data.user)
      const next = params.get('next')
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/')
    } catch {
      setError('Signing in failed. Please try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Page>
      <PageHeader title="Sign in" subtitle="Members keep their theme across devices; the Lumen team reads the inbox here." />
      <form className={styles.form} onSubmit={submit} noValidate>
        {error ? (
          <MessageBar intent="error" className={styles.error}>
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        ) : null}
        <Field label="Email">
          <Input type="email" value={email} onChange={(_, d) => setEmail(d.value)} autoComplete="username" />
        </Field>
        <Field label="Password">
          <Input type="password" value={password} onChange={(_, d) => setPassword(d.value)} autoComplete="current-password" />
        </Field>
        <div>
          <Button type="submit" appearance="primary" disabled={busy}>
            Sign in
          </Button>
        </div>
      </form>
    </Page>
  )
}
