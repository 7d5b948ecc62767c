import { useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router-dom'
import Alert from '@mui/material/Alert'
import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import Paper from '@mui/material/Paper'
import Typography from '@mui/material/Typography'
import { api } from '../api.js'
import { Field, PageTitle } from '../components.jsx'
import { useShop } from '../store.jsx'

function safeNext(value) {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}

export default function Login() {
  const { user, setUser, refreshCart } = useShop()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async (e) => {
    e.preventDefault()
    setError('')
    if (!email.trim() || !password) {
      setError('Enter your email and password.')
      return
    }
    setBusy(true)
    try {
      const data = await api('/login', { method: 'POST', body: { email, password } })
      setUser(data.user)
      await refreshCart()
      navigate(safeNext(params.get('next')))
    } catch (err) {
      setError(err.status === 401 ? 'Email or password is incorrect.' : 'Sign-in failed. Please try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Box sx={{ maxWidth: 420, mx: 'auto' }}>
      <PageTitle>Sign in</PageTitle>
      {user ? (
        <Alert severity="info" sx={{ mb: 2 }}>
          You are signed in as {user.email}. Sign in below to switch accounts.
        </Alert>
      ) : null}
      <Paper variant="outlined" component="form" noValidate onSubmit={submit} sx={{ p: 3, display: 'grid', gap: 2 }}>
        {error ? <Alert severity="error">{error}</Alert> : null}
        <Field id="login-email" label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          id="login-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" variant="contained" size="large" disabled={busy}>
          Sign in
        </Button>
        <Typography variant="body2" color="text.secondary">
          New here? Accounts are created by the store team.
        </Typography>
      </Paper>
    </Box>
  )
}
