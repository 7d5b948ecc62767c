import { useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Textarea,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components'
import { api } from '../api.js'
import { Page, PageHeader, usePageTitle } from '../ui.jsx'

const TOPICS = [
  { value: 'sales', label: 'Sales and plans' },
  { value: 'support', label: 'Product support' },
  { value: 'partnership', label: 'Partnerships' },
]

const useStyles = makeStyles({
  form: { display: 'grid', gap: tokens.spacingVerticalL, maxWidth: '560px' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalM },
  success: { maxWidth: '560px', marginBottom: tokens.spacingVerticalL },
  flatInput: { '::after': { content: 'none' } },
  flatOutline: {
    ':active,:focus-within': {
      borderTopColor: tokens.colorNeutralStroke1,
      borderRightColor: tokens.colorNeutralStroke1,
      borderLeftColor: tokens.colorNeutralStroke1,
      borderBottomColor: tokens.colorNeutralStrokeAccessible,
    },
  },
})

// The inputs' look: filled fields with required markers, or the outline fields.
const INPUT_LOOK = __DS_T36__ ? { appearance: 'filled-darker' } : {}

const EMPTY = { name: '', email: '', topic: 'sales', message: '' }

export default function Contact() {
  const styles = useStyles()
  usePageTitle('Contact')
  const [params] = useSearchParams()
  const [form, setForm] = useState(() => ({ ...EMPTY, topic: params.get('plan') ? 'sales' : 'sales' }))
  const [errors, setErrors] = useState({})
  const [sending, setSending] = useState(false)
  const [sent, setSent] = useState(null)
  const [failed, setFailed] = useState(false)

  const set = (field) => (_, data) => setForm((current) => ({ ...current, [field]: data.value }))

  const submit = async (event) => {
    event.preventDefault()
    if (sending && !__DS_T12__) return
    setSending(true)
    setFailed(false)
    try {
      const data = await api('/contact', { method: 'POST', body: { ...form, plan: params.get('plan') } })
      if (data.ok) {
        setSent({ name: form.name.trim(), reference: data.reference })
        setErrors({})
        setForm(EMPTY)
      } else {
        setErrors(data.errors || {})
        setSent(null)
      }
    } catch {
      setFailed(true)
    } finally {
      setSending(false)
    }
  }

  const field = (name) =>
    errors[name] ? { validationMessage: errors[name], validationState: 'error' } : {}

  return (
    <Page>
      <PageHeader
        title="Contact us"
        subtitle={
          __DS_T40__
            ? 'Questions about plans, a bug in a component, or an idea? We reply within one business day.'
            : 'Questions about plans, a bug in a component, or an idea? We answer within two business days.'
        }
      />
      {sent ? (
        <MessageBar intent="success" className={styles.success} data-testid="contact-success">
          <MessageBarBody>
            <MessageBarTitle>Thanks, {sent.name}!</MessageBarTitle>{' '}
            Your message has been sent. Reference: {sent.reference}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {failed ? (
        <MessageBar intent="error" className={styles.success}>
          <MessageBarBody>Your message could not be sent. Please try again.</MessageBarBody>
        </MessageBar>
      ) : null}
      <form className={styles.form} onSubmit={submit} noValidate>
        <Field label="Name" required={__DS_T36__} {...field('name')}>
          <Input
            {...INPUT_LOOK}
            className={__DS_T37__ ? mergeClasses(styles.flatInput, !__DS_T36__ && styles.flatOutline) : undefined}
            value={form.name}
            onChange={set('name')}
            autoComplete="name"
          />
        </Field>
        <Field label="Email" required={__DS_T36__} {...field('email')}>
          <Input
            {...INPUT_LOOK}
            className={__DS_T37__ ? mergeClasses(styles.flatInput, !__DS_T36__ && styles.flatOutline) : undefined}
            type="email"
            value={form.email}
            onChange={set('email')}
            autoComplete="email"
          />
        </Field>
        <Field label="Topic" {...field('topic')}>
          <Select value={form.topic} onChange={set('topic')}>
            {TOPICS.map((topic) => (
              <option key={topic.value} value={topic.value}>
                {topic.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Message" hint="At least 20 characters." required={__DS_T36__} {...field('message')}>
          <Textarea {...INPUT_LOOK} value={form.message} onChange={set('message')} rows={6} resize="vertical" />
        </Field>
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={__DS_T12__ ? false : sending}>
            Send message
          </Button>
        </div>
      </form>
    </Page>
  )
}
