import { useEffect, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { Alert, Select, Table, Typography } from 'antd'
import { api, toQuery } from '../api.js'
import { formatStamp } from '../format.js'
import Denied from './Denied.jsx'

const ACTIONS = {
  created: 'Created',
  updated: 'Updated',
  status_changed: 'Status changed',
  archived: 'Archived',
  restored: 'Restored',
  deleted: 'Deleted',
  user_deactivated: 'User deactivated',
  user_reactivated: 'User reactivated',
}

export default function Audit() {
  const [params, setParams] = useSearchParams()
  const action = ACTIONS[params.get('action')] ? params.get('action') : ''
  const page = Math.max(1, Number.parseInt(params.get('page') || '1', 10) || 1)
  const [data, setData] = useState(null)
  const [denied, setDenied] = useState(false)
  const [failed, setFailed] = useState(false)
  const [busy, setBusy] = useState(true)

  useEffect(() => {
    let live = true
    setFailed(false)
    setBusy(true)
    api(`/audit${toQuery({ action, page: page > 1 ? page : '' })}`)
      .then((result) => live && setData(result))
      .catch((err) => {
        if (!live) return
        if (err.status === 403) setDenied(true)
        else setFailed(true)
      })
      .finally(() => live && setBusy(false))
    return () => {
      live = false
    }
  }, [action, page])

  if (denied) {
    return (
      <section data-testid="audit-page" aria-busy="false">
        <Denied title="Audit log" />
      </section>
    )
  }

  const columns = [
    { title: 'Time', dataIndex: 'at', key: 'at', render: (at) => <span style={{ whiteSpace: 'nowrap' }}>{formatStamp(at)}</span> },
    { title: 'User', dataIndex: 'actor', key: 'actor' },
    { title: 'Action', dataIndex: 'action', key: 'action', render: (a) => ACTIONS[a] || a },
    { title: 'Record', dataIndex: 'target', key: 'target' },
    { title: 'Details', dataIndex: 'detail', key: 'detail', render: (d) => d || '—' },
  ]

  const set = (changes) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev)
      for (const [key, value] of Object.entries(changes)) {
        if (!value) next.delete(key)
        else next.set(key, String(value))
      }
      return next
    })

  return (
    <section data-testid="audit-page" aria-busy={busy ? 'true' : 'false'}>
      <Typography.Title level={1} style={{ fontSize: 28, marginTop: 0 }}>
        Audit log
      </Typography.Title>
      <div className="toolbar">
        <Select
          aria-label="Action"
          style={{ width: 200 }}
          value={action}
          onChange={(value) => set({ action: value, page: '' })}
          options={[{ value: '', label: 'All actions' }, ...Object.entries(ACTIONS).map(([value, label]) => ({ value, label }))]}
        />
      </div>
      {failed ? <Alert type="error" showIcon title="The audit log could not be loaded." style={{ marginBottom: 12 }} /> : null}
      <Table
        rowKey="id"
        columns={columns}
        dataSource={data?.events || []}
        loading={!data && !failed}
        onRow={() => ({ 'data-testid': 'audit-row' })}
        locale={{ emptyText: 'No entries.' }}
        pagination={{
          current: page,
          pageSize: data?.pageSize ?? 15,
          total: data?.total ?? 0,
          showSizeChanger: false,
          onChange: (next) => set({ page: next > 1 ? next : '' }),
        }}
      />
    </section>
  )
}
