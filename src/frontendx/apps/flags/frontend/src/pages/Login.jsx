import { useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Form from 'react-bootstrap/Form'
import { api } from '../api.js'
import { PageTitle } from '../components.jsx'
import { useApp } from '../store.jsx'

function safeNext(value) {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/account'
}

export default function Login() {
  const { setUser, notify } = useApp()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const data = await api('/login', { method: 'POST', body: { email, password } })
      setUser(data.user)
      notify(`Welcome back, ${data.user.name}.`)
      navigate(safeNext(params.get('next')))
    } catch (err) {
      setError(err.status === 401 ? 'Email or password is incorrect.' : 'Something went wrong. Please try again.')
      setBusy(false)
    }
  }
  return (
    <div className="mx-auto" style={{ maxWidth: 420 }}>
      <PageTitle>Sign in</PageTitle>
      <Card>
        <Card.Body>
          <Form onSubmit={submit}>
            {error ? <Alert variant="danger">{error}</Alert> : null}
            <Form.Group className="mb-3" controlId="login-email">
              <Form.Label>Email</Form.Label>
              <Form.Control type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
            </Form.Group>
            <Form.Group className="mb-3" controlId="login-password">
              <Form.Label>Password</Form.Label>
              <Form.Control
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </Form.Group>
            <Button type="submit" variant="success" disabled={busy}>
              Sign in
            </Button>
          </Form>
        </Card.Body>
      </Card>
    </div>
  )
}
