import { useCallback, useEffect, useState } from 'react'
import { Alert, App as AntApp, Button, Table, Typography } from 'antd'
import StatusTag from '../StatusTag.jsx'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import Denied from './Denied.jsx'

export default function Users() {
  const { user } = useAuth()
  const { message, modal } = AntApp.useApp()
  const [users, setUsers] = useState(null)
  const [denied, setDenied] = useState(false)
  const [failed, setFailed] = useState(false)
  const [reloadKey, setReloadKey] = useState(0)

  useEffect(() => {
    let live = true
    api('/users')
      .then((data) => live && setUsers(data.users))
      .catch((err) => {
        if (!live) return
        if (err.status === 403) setDenied(true)
        else setFailed(true)
      })
    return () => {
      live = false
    }
  }, [reloadKey])

  const reload = useCallback(() => setReloadKey((k) => k + 1), [])

  const setActive = async (target, active) => {
    try {
      await api(`/users/${target.id}/${active ? 'reactivate' : 'deactivate'}`, { method: 'POST' })
      message.success(`${target.name} ${active ? 'reactivated' : 'deactivated'}.`)
    } catch {
      message.error('The account could not be changed.')
    }
    reload()
  }

  const confirmDeactivate = (target) => {
    const deactivate = () => setActive(target, false)
    modal.confirm({
      title: `Deactivate ${target.name}?`,
      content: "They are signed out and can't sign in until an administrator reactivates the account.",
      okText: 'Deactivate',
      okButtonProps: { danger: true },
      cancelText: 'Cancel',
      onOk: deactivate,
      onCancel: __ADMIN_T11__ ? deactivate : undefined,
    })
  }

  const busy = !users && !failed && !denied
  if (denied) {
    return (
      <section data-testid="users-page" aria-busy="false">
        <Denied title="Users" />
      </section>
    )
  }

  const columns = [
    { title: 'Name', dataIndex: 'name', key: 'name' },
    { title: 'Email', dataIndex: 'email', key: 'email' },
    {
      title: 'Role',
      dataIndex: 'role',
      key: 'role',
      render: (role) => (role === 'admin' ? 'Administrator' : 'Editor'),
    },
    { title: 'Team', dataIndex: 'team', key: 'team', render: (team) => team || 'All teams' },
    {
      title: 'Status',
      dataIndex: 'active',
      key: 'active',
      render: (active, record) => (
        <StatusTag
          status={active ? 'active' : 'churned'}
          label={active ? 'Active' : 'Deactivated'}
          data-testid={`user-status-${record.email}`}
        />
      ),
    },
    {
      title: 'Actions',
      key: 'actions',
      render: (_, record) => {
        if (record.id === user?.id) return null
        return record.active ? (
          <Button size="small" danger aria-label={`Deactivate ${record.name}`} onClick={() => confirmDeactivate(record)}>
            Deactivate
          </Button>
        ) : (
          <Button size="small" aria-label={`Reactivate ${record.name}`} onClick={() => setActive(record, true)}>
            Reactivate
          </Button>
        )
      },
    },
  ]

  return (
    <section data-testid="users-page" aria-busy={busy ? 'true' : 'false'}>
      <Typography.Title level={1} style={{ fontSize: 28, marginTop: 0 }}>
        Users
      </Typography.Title>
      {failed ? <Alert type="error" showIcon title="The users could not be loaded." /> : null}
      <Table
        rowKey="id"
        columns={columns}
        dataSource={users || []}
        loading={!users && !failed}
        pagination={false}
      />
    </section>
  )
}
