import { useCallback, useEffect, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { Alert, App as AntApp, Button, Descriptions, Space, Spin, Typography } from 'antd'
import { ArrowLeftOutlined } from '@ant-design/icons'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { formatDay, formatMoney } from '../format.js'
import StatusTag from '../StatusTag.jsx'

export default function CustomerDetail() {
  const { id } = useParams()
  const { user } = useAuth()
  const navigate = useNavigate()
  const { message, modal } = AntApp.useApp()
  const [customer, setCustomer] = useState(null)
  const [missing, setMissing] = useState(false)
  const [failed, setFailed] = useState(false)

  const load = useCallback(() => {
    let live = true
    setMissing(false)
    setFailed(false)
    api(`/customers/${id}`)
      .then((data) => live && setCustomer(data.customer))
      .catch((err) => {
        if (!live) return
        if (err.status === 404) setMissing(true)
        else setFailed(true)
      })
    return () => {
      live = false
    }
  }, [id])

  useEffect(() => {
    setCustomer(null)
    return load()
  }, [load])

  const bulk = async (action, done) => {
    try {
      await api('/customers/bulk', { method: 'POST', body: { action, ids: [customer.id] } })
      message.success(done)
      if (action === 'delete') navigate('/customers')
      else load()
    } catch {
      message.error('That did not work. Please try again.')
    }
  }

  const back = (
    <Link to="/customers">
      <ArrowLeftOutlined aria-hidden="true" /> Back to customers
    </Link>
  )

  if (missing || !/^\d+$/.test(id)) {
    return (
      <div>
        {back}
        <Typography.Title level={1} style={{ fontSize: 28 }}>
          Customer not found
        </Typography.Title>
        <Typography.Paragraph>There is no customer with this number, or you can't see it.</Typography.Paragraph>
      </div>
    )
  }
  if (failed) return <Alert type="error" showIcon title="The customer could not be loaded." />
  if (!customer) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', padding: 64 }}>
        <Spin aria-label="Loading customer" />
      </div>
    )
  }

  const archive = () =>
    modal.confirm({
      title: `Archive ${customer.name}?`,
      content: 'Archived customers are hidden from the list. You can restore them later.',
      okText: 'Archive',
      cancelText: 'Cancel',
      onOk: () => bulk('archive', `Archived ${customer.name}.`),
    })
  const remove = () =>
    modal.confirm({
      title: `Delete ${customer.name}?`,
      content: 'Deleting removes the record for good. This cannot be undone.',
      okText: 'Delete',
      okButtonProps: { danger: true },
      cancelText: 'Cancel',
      onOk: () => bulk('delete', `Deleted ${customer.name}.`),
    })

  return (
    <div>
      {back}
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12, margin: '12px 0' }}>
        <Typography.Title level={1} style={{ fontSize: 28, margin: 0 }}>
          {customer.name}
        </Typography.Title>
        <StatusTag status={customer.status} data-testid="status-tag" />
        {customer.archived ? <StatusTag status="archived" label="Archived" data-testid="archived-tag" /> : null}
      </div>
      <Descriptions bordered column={{ xs: 1, sm: 1, md: 2 }} size="middle" style={{ marginBottom: 16 }}>
        <Descriptions.Item label="Customer number">{customer.id}</Descriptions.Item>
        <Descriptions.Item label="Contact email">{customer.email}</Descriptions.Item>
        <Descriptions.Item label="Team">{customer.team}</Descriptions.Item>
        <Descriptions.Item label="Plan">{customer.plan}</Descriptions.Item>
        <Descriptions.Item label="Seats">
          <span data-testid="seats">{customer.seats}</span>
        </Descriptions.Item>
        <Descriptions.Item label="MRR">
          <span data-testid="mrr">{formatMoney(customer.mrr)}</span>
        </Descriptions.Item>
        <Descriptions.Item label="Customer since">
          <span data-testid="signup-date">{formatDay(customer.signupDate)}</span>
        </Descriptions.Item>
        <Descriptions.Item label="Renewal date">
          <span data-testid="renewal-date">{formatDay(customer.renewalDate)}</span>
        </Descriptions.Item>
        <Descriptions.Item label="Notes" span={2}>
          {customer.notes || '—'}
        </Descriptions.Item>
      </Descriptions>
      <Space wrap>
        {customer.archived ? (
          <Button onClick={() => bulk('restore', `Restored ${customer.name}.`)}>Restore customer</Button>
        ) : (
          <Button onClick={archive}>Archive customer</Button>
        )}
        {user?.role === 'admin' ? (
          <Button danger onClick={remove}>
            Delete customer
          </Button>
        ) : null}
      </Space>
    </div>
  )
}
