import { useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router-dom'
import { Alert, Button, Card, Form, Input, Typography } from 'antd'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'

function safeNext(value) {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/customers'
}

export default function Login() {
  const { user, setUser } = useAuth()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async ({ email, password }) => {
    setError('')
    setBusy(true)
    try {
      const data = await api('/login', { method: 'POST', body: { email, password } })
      setUser(data.user)
      navigate(safeNext(params.get('next')))
    } catch (err) {
      if (err.status === 401) {
        setError(
          __ADMIN_T17__
            ? "That email and password don't match an account. Check both and try again."
            : 'Email or password is incorrect.',
        )
      }
      else if (err.status === 403) setError('This account has been deactivated.')
      else setError('Sign-in failed. Please try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <div style={{ maxWidth: 420, margin: '24px auto' }}>
      <Typography.Title level={1} style={{ fontSize: 28 }}>
        Sign in
      </Typography.Title>
      {user ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={`You are signed in as ${user.email}. Sign in below to switch accounts.`}
        />
      ) : null}
      <Card>
        <Form layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
          {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
          <Form.Item label="Email" name="email" rules={[{ required: true, message: 'Enter your email address.' }]}>
            <Input type="email" autoComplete="username" />
          </Form.Item>
          <Form.Item label="Password" name="password" rules={[{ required: true, message: 'Enter your password.' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            Sign in
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          Accounts are created by an administrator.
        </Typography.Paragraph>
      </Card>
    </div>
  )
}
