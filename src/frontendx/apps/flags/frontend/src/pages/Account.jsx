import { useEffect, useState } from 'react'
import { Link, Navigate } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import Form from 'react-bootstrap/Form'
import ListGroup from 'react-bootstrap/ListGroup'
import Modal from 'react-bootstrap/Modal'
import Row from 'react-bootstrap/Row'
import { api } from '../api.js'
import { Loading, Money, PageTitle } from '../components.jsx'
import { formatDay, formatMoment, plural } from '../format.js'
import { useApp } from '../store.jsx'

function Profile({ profile, onSaved }) {
  const [name, setName] = useState(profile.name)
  const [phone, setPhone] = useState(profile.phone)
  const [errors, setErrors] = useState({})
  const [busy, setBusy] = useState(false)
  const { notify } = useApp()
  const save = async (e) => {
    e.preventDefault()
    setBusy(true)
    setErrors({})
    try {
      const data = await api('/account/profile', { method: 'PATCH', body: { name, phone } })
      if (data.ok) {
        onSaved(data)
        setName(data.account.profile.name)
        notify('Profile saved.', 'success')
      } else {
        setErrors(data.errors || {})
      }
    } catch {
      setErrors({ form: 'Something went wrong. Please try again.' })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card className="mb-4">
      <Card.Body>
        <h2 className="h5 mb-3">Profile</h2>
        <Form noValidate onSubmit={save}>
          {errors.form ? <Alert variant="danger">{errors.form}</Alert> : null}
          <Form.Group className="mb-3" controlId="profile-name">
            <Form.Label>Full name</Form.Label>
            <Form.Control
              value={name}
              onChange={(e) => setName(e.target.value)}
              isInvalid={Boolean(errors.name)}
              aria-describedby={errors.name ? 'profile-name-error' : undefined}
              autoComplete="name"
            />
            <Form.Control.Feedback type="invalid" id="profile-name-error">
              {errors.name}
            </Form.Control.Feedback>
          </Form.Group>
          <Form.Group className="mb-3" controlId="profile-email">
            <Form.Label>Email</Form.Label>
            <Form.Control plaintext readOnly value={profile.email} />
          </Form.Group>
          <Form.Group className="mb-3" controlId="profile-phone">
            <Form.Label>Phone (optional)</Form.Label>
            <Form.Control
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
              isInvalid={Boolean(errors.phone)}
              aria-describedby={errors.phone ? 'profile-phone-error' : undefined}
              inputMode="tel"
              autoComplete="tel"
            />
            <Form.Control.Feedback type="invalid" id="profile-phone-error">
              {errors.phone}
            </Form.Control.Feedback>
          </Form.Group>
          <Button type="submit" variant="success" disabled={busy}>
            Save profile
          </Button>
        </Form>
      </Card.Body>
    </Card>
  )
}

// the date to send for a date field's value ("YYYY-MM-DD")
function pauseDate(value) {
  if (__FLAGS_T5__) {
    const day = new Date(value)
    day.setHours(0, 0, 0, 0) // start of that day
    return day.toISOString().slice(0, 10)
  }
  return value
}

function Membership({ membership, onChange }) {
  const { setUser, notify } = useApp()
  const [until, setUntil] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const [confirming, setConfirming] = useState(false)

  const call = async (request, done) => {
    setBusy(true)
    setError(null)
    try {
      const data = await request()
      if (data.ok === false) {
        setError(data.error)
      } else {
        onChange(data)
        if (data.user) setUser(data.user)
        if (done) done()
      }
    } catch {
      setError('Something went wrong. Please try again.')
    } finally {
      setBusy(false)
    }
  }

  if (!membership) {
    return (
      <Card className="mb-4">
        <Card.Body>
          <h2 className="h5">Membership</h2>
          <p className="mb-2" data-testid="membership-status">
            You’re not a member.
          </p>
          <Link to="/pricing">See plans</Link>
        </Card.Body>
      </Card>
    )
  }
  return (
    <Card className="mb-4">
      <Card.Body>
        <h2 className="h5">Membership</h2>
        <p className="mb-1" data-testid="membership-status">
          Sprig {membership.plan.name} · billed {membership.billing} (
          <Money amount={membership.price} /> {membership.billing === 'yearly' ? 'a year' : 'a month'})
        </p>
        <p className="mb-3">
          Renews on <time dateTime={membership.renewsOn}>{formatDay(membership.renewsOn)}</time>
        </p>
        {error ? <Alert variant="danger">{error}</Alert> : null}
        {membership.pausedUntil ? (
          <div className="d-flex flex-wrap align-items-center gap-2 mb-3">
            <span>
              Deliveries paused until{' '}
              <time dateTime={membership.pausedUntil} data-testid="paused-until" className="fw-semibold">
                {formatDay(membership.pausedUntil)}
              </time>
            </span>
            <Button variant="outline-success" size="sm" disabled={busy} onClick={() => call(() => api('/membership/pause', { method: 'DELETE' }))}>
              Resume deliveries
            </Button>
          </div>
        ) : (
          <Form
            className="mb-3"
            onSubmit={(e) => {
              e.preventDefault()
              call(
                () => api('/membership/pause', { method: 'POST', body: { until: until ? pauseDate(until) : '' } }),
                () => notify('Deliveries paused.', 'success'),
              )
            }}
          >
            <Form.Label htmlFor="pause-until">Pause deliveries until</Form.Label>
            <div className="d-flex flex-wrap gap-2">
              <Form.Control id="pause-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} style={{ maxWidth: 220 }} />
              <Button type="submit" variant="outline-success" disabled={busy}>
                Pause deliveries
              </Button>
            </div>
          </Form>
        )}
        <Button variant="outline-danger" onClick={() => setConfirming(true)} disabled={busy}>
          Cancel membership
        </Button>
        <Modal show={confirming} onHide={() => setConfirming(false)} centered>
          <Modal.Header closeButton>
            <Modal.Title as="h2" className="h5">
              Cancel your membership?
            </Modal.Title>
          </Modal.Header>
          <Modal.Body>You will lose free delivery from your next box. You can join again at any time.</Modal.Body>
          <Modal.Footer>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Keep membership
            </Button>
            <Button
              variant="danger"
              disabled={busy}
              onClick={() =>
                call(
                  () => api('/membership', { method: 'DELETE' }),
                  () => {
                    setConfirming(false)
                    notify('Your membership has been cancelled.')
                  },
                )
              }
            >
              Yes, cancel
            </Button>
          </Modal.Footer>
        </Modal>
      </Card.Body>
    </Card>
  )
}

function Orders({ orders }) {
  return (
    <Card>
      <Card.Body>
        <h2 className="h5 mb-3">Your orders</h2>
        {orders.length === 0 ? (
          <p className="mb-0">No orders yet.</p>
        ) : (
          <ListGroup variant="flush">
            {orders.map((o) => (
              <ListGroup.Item key={o.id} data-testid="order-row" className="px-0 d-flex flex-wrap justify-content-between gap-2">
                <span>
                  <Link to={`/account/orders/${o.id}`}>{`Order #${o.id}`}</Link>
                  <span className="d-block small">
                    {formatMoment(o.placedAt)} · {plural(o.recipeCount, 'recipe')} · {o.deliveryDay}
                  </span>
                </span>
                <Money amount={o.total} className="fw-semibold" />
              </ListGroup.Item>
            ))}
          </ListGroup>
        )}
      </Card.Body>
    </Card>
  )
}

export default function Account() {
  const { user, userLoaded, setUser } = useApp()
  const [account, setAccount] = useState(undefined)
  useEffect(() => {
    if (!userLoaded || !user) return
    api('/account')
      .then((data) => setAccount(data.account))
      .catch(() => setAccount(null))
  }, [userLoaded, user?.email]) // eslint-disable-line react-hooks/exhaustive-deps

  if (userLoaded && !user) return <Navigate to="/login?next=/account" replace />
  if (!userLoaded || account === undefined) return <Loading label="Loading your account" />
  if (account === null) return <Alert variant="danger">Your account could not be loaded. Please try again.</Alert>
  return (
    <>
      <PageTitle>Your account</PageTitle>
      <Row className="g-4">
        <Col lg={6}>
          <Profile
            profile={account.profile}
            onSaved={(data) => {
              setAccount(data.account)
              setUser(data.user)
            }}
          />
        </Col>
        <Col lg={6}>
          <Membership membership={account.membership} onChange={(data) => setAccount(data.account)} />
          <Orders orders={account.orders} />
        </Col>
      </Row>
    </>
  )
}
