import { DatePicker, Form, Input, InputNumber, Select } from 'antd'
import { PLANS, STATUS_LABELS, TEAMS, inputDateFormat } from '../format.js'
import dayjs from 'dayjs'

// Form values <-> API payloads. Dates travel as YYYY-MM-DD; amounts as numbers.
export function toFormValues(customer) {
  return {
    name: customer.name,
    email: customer.email,
    team: customer.team,
    plan: customer.plan,
    status: customer.status,
    seats: customer.seats,
    mrr: customer.mrr,
    renewalDate: customer.renewalDate ? dayjs(customer.renewalDate) : null,
    notes: customer.notes,
  }
}

export function toPayload(values) {
  const payload = { ...values }
  payload.renewalDate = values.renewalDate ? values.renewalDate.format('YYYY-MM-DD') : null
  payload.seats = values.seats ?? null
  payload.mrr = values.mrr ?? null
  return payload
}

// Server-side validation problems, shown under their fields.
export function showServerErrors(form, errors) {
  form.setFields(Object.entries(errors || {}).map(([name, message]) => ({ name, errors: [message] })))
}

export default function CustomerFields({ showTeam = false }) {
  return (
    <>
      <Form.Item label="Company name" name="name" rules={[{ required: true, whitespace: true, message: 'Enter the company name.' }]}>
        <Input maxLength={80} />
      </Form.Item>
      <Form.Item label="Contact email" name="email" rules={[{ required: true, whitespace: true, message: 'Enter a valid email address.' }]}>
        <Input />
      </Form.Item>
      {showTeam ? (
        <Form.Item label="Team" name="team" rules={[{ required: true, message: 'Choose a team.' }]}>
          <Select options={TEAMS.map((t) => ({ value: t, label: t }))} />
        </Form.Item>
      ) : null}
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
        <Form.Item label="Plan" name="plan" style={{ minWidth: 160, flex: 1 }}>
          <Select options={PLANS.map((p) => ({ value: p, label: p }))} />
        </Form.Item>
        <Form.Item label="Status" name="status" style={{ minWidth: 160, flex: 1 }}>
          <Select options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
      </div>
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
        <Form.Item label="Seats" name="seats" style={{ minWidth: 140, flex: 1 }}>
          <InputNumber style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="MRR (USD)" name="mrr" style={{ minWidth: 140, flex: 1 }}>
          <InputNumber style={{ width: '100%' }} step={0.01} />
        </Form.Item>
        <Form.Item label="Renewal date" name="renewalDate" style={{ minWidth: 160, flex: 1 }}>
          <DatePicker format={inputDateFormat} style={{ width: '100%' }} />
        </Form.Item>
      </div>
      <Form.Item label="Notes" name="notes">
        <Input.TextArea rows={3} maxLength={500} />
      </Form.Item>
    </>
  )
}
