import { useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import { App as AntApp, Button, Card, Form, Space, Typography } from 'antd'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { TEAMS } from '../format.js'
import CustomerFields, { showServerErrors, toPayload } from './CustomerFields.jsx'

export default function NewCustomer() {
  const { user } = useAuth()
  const isAdmin = user?.role === 'admin'
  const [form] = Form.useForm()
  const navigate = useNavigate()
  const { message } = AntApp.useApp()
  const [busy, setBusy] = useState(false)
  const inFlight = useRef(false)

  const create = async () => {
    if (!__ADMIN_T8__) {
      if (inFlight.current) return
      inFlight.current = true
      setBusy(true)
    }
    try {
      let values
      try {
        values = await form.validateFields()
      } catch {
        return
      }
      try {
        const data = await api('/customers', { method: 'POST', body: toPayload(values) })
        message.success(`${data.customer.name} created.`)
        navigate(`/customers/${data.customer.id}`)
      } catch (err) {
        if (err.status === 422) showServerErrors(form, err.body.errors)
        else message.error('The customer could not be created.')
      }
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }

  return (
    <div style={{ maxWidth: 720 }}>
      <Typography.Title level={1} style={{ fontSize: 28, marginTop: 0 }}>
        New customer
      </Typography.Title>
      <Card>
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          name="new-customer"
          initialValues={{ plan: 'Starter', status: 'active', seats: 1, mrr: 0, team: isAdmin ? TEAMS[0] : undefined }}
          onFinish={create}
        >
          {!isAdmin && user ? (
            <Typography.Paragraph type="secondary">The customer is added to your team ({user.team}).</Typography.Paragraph>
          ) : null}
          <CustomerFields showTeam={isAdmin} />
          <Space>
            <Button type="primary" onClick={create} loading={busy}>
              Create customer
            </Button>
            <Link to="/customers">Cancel</Link>
          </Space>
        </Form>
      </Card>
    </div>
  )
}
