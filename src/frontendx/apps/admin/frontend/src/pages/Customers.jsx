import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import dayjs from 'dayjs'
import {
  Alert,
  App as AntApp,
  Button,
  DatePicker,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Typography,
  theme,
} from 'antd'
import {
  CheckOutlined,
  CloseOutlined,
  DownloadOutlined,
  EditOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons'
import { api, apiText, toQuery } from '../api.js'
import { useAuth } from '../auth.jsx'
import {
  STATUS_LABELS,
  TEAMS,
  formatDay,
  formatMoney,
  inputDateFormat,
  plural,
} from '../format.js'
import EditCustomerModal from './EditCustomerModal.jsx'
import StatusTag from '../StatusTag.jsx'

const FILTER_KEYS = ['q', 'status', 'team', 'from', 'to', 'archived']
const SORT_KEYS = ['name', 'seats', 'mrr', 'renewal']

// The API takes calendar days as YYYY-MM-DD.
function apiDay(text) {
  if (!text) return ''
  const day = dayjs(text)
  if (!day.isValid()) return ''
  return __ADMIN_T1__ ? day.toDate().toISOString().slice(0, 10) : day.format('YYYY-MM-DD')
}

function SeatsEditor({ record, index, onCancel, onSave }) {
  const [value, setValue] = useState(record.seats)
  const [saving, setSaving] = useState(false)
  const save = async () => {
    if (saving) return
    setSaving(true)
    try {
      await onSave(record, index, value)
    } finally {
      setSaving(false)
    }
  }
  return (
    <Space size={4}>
      <InputNumber
        size="small"
        autoFocus
        value={value}
        onChange={setValue}
        onPressEnter={save}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel()
        }}
        aria-label={`Seats for ${record.name}`}
        style={{ width: 80 }}
      />
      <Button size="small" type="primary" icon={<CheckOutlined />} aria-label="Save seats" loading={saving} onClick={save} />
      <Button size="small" icon={<CloseOutlined />} aria-label="Cancel editing seats" onClick={onCancel} />
    </Space>
  )
}

function SeatsCell({ record, index, editing, onEdit, onCancel, onSave }) {
  if (editing) return <SeatsEditor record={record} index={index} onCancel={onCancel} onSave={onSave} />
  return (
    <Space size={4}>
      <span data-testid={`seats-${record.name}`}>{record.seats}</span>
      <Button
        type="text"
        size="small"
        icon={<EditOutlined />}
        aria-label={`Edit seats for ${record.name}`}
        onClick={() => onEdit(record.id)}
      />
    </Space>
  )
}

function StatusModal({ open, count, onCancel, onApply }) {
  const [status, setStatus] = useState(null)
  useEffect(() => {
    if (open) setStatus(null)
  }, [open])
  return (
    <Modal
      title="Change status"
      open={open}
      okText="Apply"
      okButtonProps={{ disabled: !status }}
      onOk={() => onApply(status)}
      onCancel={onCancel}
      destroyOnHidden
    >
      <p>
        New status for {plural(count, 'selected customer', 'selected customers')}:
      </p>
      <Select
        aria-label="New status"
        placeholder="Choose a status"
        style={{ width: 220 }}
        value={status}
        onChange={setStatus}
        options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
      />
    </Modal>
  )
}

function ExportModal({ open, query, onClose }) {
  const [text, setText] = useState(null)
  const [error, setError] = useState(false)
  const { token } = theme.useToken()
  useEffect(() => {
    if (!open) return undefined
    let live = true
    setText(null)
    setError(false)
    apiText(`/customers/export.csv${query}`)
      .then((t) => live && setText(t))
      .catch(() => live && setError(true))
    return () => {
      live = false
    }
  }, [open, query])
  const rows = text ? Math.max(0, text.trim().split(/\r?\n/).length - 1) : 0
  return (
    <Modal
      title="Export customers"
      open={open}
      onCancel={onClose}
      destroyOnHidden
      width={760}
      footer={[
        <Button key="close" onClick={onClose}>
          Close
        </Button>,
        <Button key="download" type="primary" icon={<DownloadOutlined />} href={`/api/customers/export.csv${query}`} download="customers.csv">
          Download CSV
        </Button>,
      ]}
    >
      {error ? <Alert type="error" showIcon title="The export could not be created." /> : null}
      {text === null && !error ? <p>Preparing the export…</p> : null}
      {text !== null ? (
        <>
          <p>
            The file contains {plural(rows, 'customer', 'customers')} matching the current filters. Preview:
          </p>
          <pre
            className="csv-preview"
            data-testid="csv-preview"
            tabIndex={0}
            aria-label="CSV preview"
            style={{ background: token.colorFillTertiary, color: token.colorText }}
          >
            {text}
          </pre>
        </>
      ) : null}
    </Modal>
  )
}

export default function Customers() {
  const { user } = useAuth()
  const isAdmin = user?.role === 'admin'
  const { message, modal } = AntApp.useApp()
  const { token } = theme.useToken()
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const [data, setData] = useState(null)
  const [error, setError] = useState('')
  const [reloadKey, setReloadKey] = useState(0)
  const [selected, setSelected] = useState([])
  const [editingSeats, setEditingSeats] = useState(null)
  const [editing, setEditing] = useState(null)
  const [statusOpen, setStatusOpen] = useState(false)
  const [exportOpen, setExportOpen] = useState(false)
  const [search, setSearch] = useState(params.get('q') || '')
  const [pageState, setPageState] = useState(1)
  const firstRows = useRef(null)

  const urlPage = Math.max(1, Number.parseInt(params.get('page') || '1', 10) || 1)
  const page = __ADMIN_T9__ ? pageState : urlPage
  const sort = SORT_KEYS.includes(params.get('sort')) ? params.get('sort') : 'name'
  const order = params.get('order') === 'descend' ? 'descend' : 'ascend'
  const filters = useMemo(() => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) || ''])), [params])

  const apiFilters = useMemo(
    () => ({
      q: filters.q,
      status: filters.status,
      team: isAdmin ? filters.team : '',
      from: apiDay(filters.from),
      to: apiDay(filters.to),
      archived: filters.archived === '1' ? '1' : '',
    }),
    [filters, isAdmin],
  )
  const listQuery = toQuery({ ...apiFilters, sort, order, page })
  const exportQuery = toQuery({ ...apiFilters, sort, order })

  // the list is busy from the render that asks for new data until that data has arrived
  const requestKey = `${listQuery}#${reloadKey}`
  const [doneKey, setDoneKey] = useState(null)
  const loading = doneKey !== requestKey
  // a typed search that has not reached the address yet counts as loading too
  const busy = loading || search.trim() !== (params.get('q') || '')

  useEffect(() => {
    let live = true
    setError('')
    api(`/customers${listQuery}`)
      .then((result) => {
        if (!live) return
        if (!firstRows.current) firstRows.current = result.customers
        setData(result)
        setSelected([])
      })
      .catch(() => live && setError('The customer list could not be loaded. Please try again.'))
      .finally(() => live && setDoneKey(requestKey))
    return () => {
      live = false
    }
  }, [listQuery, reloadKey]) // eslint-disable-line react-hooks/exhaustive-deps

  const reload = useCallback(() => setReloadKey((k) => k + 1), [])

  // keep the address in step with the controls; filters always go back to page 1
  const update = useCallback(
    (changes, { resetPage = true } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev)
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === null || value === '') next.delete(key)
            else next.set(key, String(value))
          }
          if (resetPage) next.delete('page')
          return next
        },
        { replace: false },
      )
      if (resetPage) setPageState(1)
    },
    [setParams],
  )

  // the address can change from outside (back button, a link): show its search text
  const urlQuery = params.get('q') || ''
  useEffect(() => {
    setSearch((current) => (current.trim() === urlQuery ? current : urlQuery))
  }, [urlQuery])

  useEffect(() => {
    if (search.trim() === (params.get('q') || '')) return undefined
    const handle = setTimeout(() => update({ q: search.trim() }), 300)
    return () => clearTimeout(handle)
  }, [search]) // eslint-disable-line react-hooks/exhaustive-deps

  const saveSeats = async (record, index, seats) => {
    const id = __ADMIN_T6__ ? (firstRows.current?.[index]?.id ?? record.id) : record.id
    try {
      await api(`/customers/${id}`, { method: 'PATCH', body: { seats } })
      message.success(`Seats for ${record.name} saved.`)
      setEditingSeats(null)
      reload()
    } catch (err) {
      message.error(err.body?.errors?.seats || 'The seats could not be saved.')
    }
  }

  const rows = data?.customers ?? []
  const runBulk = async (action, extra = {}) => {
    const ids = __ADMIN_T7__ && action === 'archive' ? rows.map((r) => r.id) : selected
    const result = await api('/customers/bulk', { method: 'POST', body: { action, ids, ...extra } })
    return result.updated
  }

  const archiveSelected = () => {
    const count = selected.length
    modal.confirm({
      title: `Archive ${plural(count, 'customer', 'customers')}?`,
      content: 'Archived customers are hidden from the list. You can restore them later.',
      okText: 'Archive',
      cancelText: 'Cancel',
      onOk: async () => {
        try {
          const updated = await runBulk('archive')
          message.success(`Archived ${plural(updated, 'customer', 'customers')}.`)
        } catch {
          message.error('The customers could not be archived.')
        }
        reload()
      },
    })
  }

  const restoreSelected = async () => {
    try {
      const updated = await runBulk('restore')
      message.success(`Restored ${plural(updated, 'customer', 'customers')}.`)
    } catch {
      message.error('The customers could not be restored.')
    }
    reload()
  }

  const deleteSelected = () => {
    const count = selected.length
    modal.confirm({
      title: `Delete ${plural(count, 'customer', 'customers')}?`,
      content: 'Deleting removes the records for good. This cannot be undone.',
      okText: 'Delete',
      okButtonProps: { danger: true },
      cancelText: 'Cancel',
      onOk: async () => {
        try {
          const updated = await runBulk('delete')
          message.success(`Deleted ${plural(updated, 'customer', 'customers')}.`)
        } catch {
          message.error('The customers could not be deleted.')
        }
        reload()
      },
    })
  }

  const applyStatus = async (status) => {
    setStatusOpen(false)
    try {
      const updated = await runBulk('status', { status })
      message.success(`Changed the status of ${plural(updated, 'customer', 'customers')}.`)
    } catch {
      message.error('The status could not be changed.')
    }
    reload()
  }

  const columns = [
    {
      title: 'Company',
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      sortOrder: sort === 'name' ? order : null,
      sortDirections: ['ascend', 'descend'],
      render: (name, record) => (
        <div>
          <div>
            <Link to={`/customers/${record.id}`} data-testid="customer-link">
              {name}
            </Link>
          </div>
          <div style={{ color: token.colorTextSecondary, fontSize: 12 }}>
            {record.email}
            {record.archived ? (
              <StatusTag status="archived" label="Archived" data-testid="archived-tag" style={{ marginInlineStart: 8 }} />
            ) : null}
          </div>
        </div>
      ),
    },
    ...(isAdmin ? [{ title: 'Team', dataIndex: 'team', key: 'team' }] : []),
    { title: 'Plan', dataIndex: 'plan', key: 'plan' },
    {
      title: 'Status',
      dataIndex: 'status',
      key: 'status',
      render: (status) => (
        <StatusTag status={status} data-testid="status-tag" />
      ),
    },
    {
      title: 'Seats',
      dataIndex: 'seats',
      key: 'seats',
      sorter: true,
      sortOrder: sort === 'seats' ? order : null,
      sortDirections: ['ascend', 'descend'],
      render: (_, record, index) => (
        <SeatsCell
          record={record}
          index={index}
          editing={editingSeats === record.id}
          onEdit={setEditingSeats}
          onCancel={() => setEditingSeats(null)}
          onSave={saveSeats}
        />
      ),
    },
    {
      title: 'MRR',
      dataIndex: 'mrr',
      key: 'mrr',
      align: 'right',
      sorter: true,
      sortOrder: sort === 'mrr' ? order : null,
      sortDirections: ['ascend', 'descend'],
      render: (mrr) => <span style={{ whiteSpace: 'nowrap' }}>{formatMoney(mrr)}</span>,
    },
    {
      title: 'Renewal',
      dataIndex: 'renewalDate',
      key: 'renewal',
      sorter: true,
      sortOrder: sort === 'renewal' ? order : null,
      sortDirections: ['ascend', 'descend'],
      render: (day) => <span style={{ whiteSpace: 'nowrap' }}>{formatDay(day)}</span>,
    },
    {
      title: 'Actions',
      key: 'actions',
      render: (_, record) => (
        <Button icon={<EditOutlined />} aria-label={`Edit ${record.name}`} onClick={() => setEditing(record)} />
      ),
    },
  ]

  const onTableChange = (pagination, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const key = sorter.columnKey
      const nextOrder = sorter.order || 'ascend'
      update({ sort: key === 'name' ? '' : key, order: nextOrder === 'descend' ? 'descend' : '' })
    } else if (extra.action === 'paginate') {
      setPageState(pagination.current)
      update({ page: pagination.current > 1 ? pagination.current : '' }, { resetPage: false })
    }
  }

  const range = [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]
  const total = data?.total ?? 0
  const countStyle = __ADMIN_T4__ ? { color: '#595959' } : { color: token.colorTextSecondary }
  const bulkBar =
    selected.length > 0 ? (
      <div
        className={__ADMIN_T12__ ? 'bulk-bar bulk-bar-floating' : 'bulk-bar'}
        data-testid="bulk-bar"
        role={__ADMIN_T15__ ? 'toolbar' : 'region'}
        aria-label="Bulk actions"
        style={
          __ADMIN_T15__
            ? { background: token.colorPrimaryBg, color: token.colorText, border: `1px solid ${token.colorPrimaryBorder}`, padding: '6px 12px' }
            : { background: token.colorPrimaryBg, color: token.colorText }
        }
      >
        <strong>{plural(selected.length, 'customer', 'customers')} selected</strong>
        <Button size="small" onClick={archiveSelected}>
          Archive selected
        </Button>
        {filters.archived === '1' ? (
          <Button size="small" onClick={restoreSelected}>
            Restore selected
          </Button>
        ) : null}
        <Button size="small" onClick={() => setStatusOpen(true)}>
          Change status
        </Button>
        {isAdmin ? (
          <Button size="small" danger onClick={deleteSelected}>
            Delete selected
          </Button>
        ) : null}
        <Button size="small" type="link" onClick={() => setSelected([])}>
          Clear selection
        </Button>
      </div>
    ) : null

  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 28, marginTop: 0 }}>
        Customers
      </Typography.Title>
      <div className={__ADMIN_T3__ ? 'toolbar toolbar-fixed' : 'toolbar'} data-testid="toolbar">
        <Input.Search
          className="toolbar-search"
          aria-label="Search customers"
          placeholder="Company or email"
          allowClear
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onSearch={(value) => update({ q: value.trim() })}
        />
        <div className="toolbar-end">
          <Button
            icon={<ReloadOutlined aria-hidden="true" />}
            aria-label={__ADMIN_T5__ ? undefined : 'Refresh list'}
            title={__ADMIN_T5__ ? undefined : 'Refresh list'}
            onClick={reload}
          />
          <Button icon={<DownloadOutlined />} onClick={() => setExportOpen(true)}>
            {__ADMIN_T16__ ? 'Export to CSV' : 'Export CSV'}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/customers/new')}>
            New customer
          </Button>
        </div>
      </div>
      <div className="toolbar" data-testid="filters">
        <Select
          aria-label="Status"
          style={{ width: 160 }}
          value={filters.status}
          onChange={(value) => update({ status: value })}
          options={[{ value: '', label: 'All statuses' }, ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))]}
        />
        {isAdmin ? (
          <Select
            aria-label="Team"
            style={{ width: 150 }}
            value={filters.team}
            onChange={(value) => update({ team: value })}
            options={[{ value: '', label: 'All teams' }, ...TEAMS.map((t) => ({ value: t, label: t }))]}
          />
        ) : null}
        <DatePicker.RangePicker
          placeholder={['Renewal from', 'Renewal to']}
          format={inputDateFormat}
          value={range}
          allowEmpty={[true, true]}
          onChange={(values) =>
            update({
              from: values?.[0] ? values[0].format('YYYY-MM-DD') : '',
              to: values?.[1] ? values[1].format('YYYY-MM-DD') : '',
            })
          }
        />
        <label style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
          <Switch
            size="small"
            checked={filters.archived === '1'}
            onChange={(checked) => update({ archived: checked ? '1' : '' })}
          />
          Show archived
        </label>
      </div>
      <div className="summary" aria-live="polite">
        <span data-testid="result-count" style={countStyle}>
          {data ? plural(total, 'customer', 'customers') : ' '}
        </span>
        {data ? (
          <span data-testid="total-mrr" style={{ color: __ADMIN_T14__ ? token.colorTextQuaternary : token.colorTextSecondary }}>
            Total MRR {formatMoney(data.totalMrr)}
          </span>
        ) : null}
      </div>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <div className="table-wrap">
        {bulkBar}
        <div className="table-scroll" data-testid="customer-list" aria-busy={busy ? 'true' : 'false'}>
        <Table
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data ? data.customers.map((c) => c) : []}
          loading={loading && !data}
          locale={{ emptyText: data ? 'No customers match your filters.' : 'Loading customers…' }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys),
            getCheckboxProps: (record) => ({ 'aria-label': `Select ${record.name}` }),
          }}
          pagination={{
            current: page,
            pageSize: data?.pageSize ?? 10,
            total,
            showSizeChanger: false,
            hideOnSinglePage: false,
            showTotal: (count, [start, end]) => (count ? `${start}–${end} of ${count}` : ''),
          }}
          onChange={onTableChange}
        />
        </div>
      </div>
      <EditCustomerModal record={editing} onClose={() => setEditing(null)} onSaved={reload} />
      <StatusModal
        open={statusOpen}
        count={selected.length}
        onCancel={() => setStatusOpen(false)}
        onApply={applyStatus}
      />
      <ExportModal open={exportOpen} query={exportQuery} onClose={() => setExportOpen(false)} />
    </div>
  )
}
