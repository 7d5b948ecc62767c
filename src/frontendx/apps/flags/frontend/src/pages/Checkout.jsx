import { useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import Form from 'react-bootstrap/Form'
import Row from 'react-bootstrap/Row'
import { api } from '../api.js'
import { Loading, PageTitle } from '../components.jsx'
import { EMPTY_BOX, useApp } from '../store.jsx'
import Summary from './Summary.jsx'

const DAYS = ['Monday', 'Wednesday', 'Friday']

function Field({ id, label, value, onChange, error, autoComplete, inputMode }) {
  return (
    <Form.Group className="mb-3" controlId={id}>
      <Form.Label>{label}</Form.Label>
      <Form.Control
        value={value}
        onChange={(e) => onChange(e.target.value)}
        isInvalid={Boolean(error)}
        autoComplete={autoComplete}
        inputMode={inputMode}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <Form.Control.Feedback type="invalid" id={`${id}-error`}>
        {error}
      </Form.Control.Feedback>
    </Form.Group>
  )
}

function CheckoutForm({ user, box, setBox }) {
  const navigate = useNavigate()
  const [form, setForm] = useState({ name: user.name, street: '', city: '', zip: '', deliveryDay: 'Wednesday' })
  const [errors, setErrors] = useState({})
  const [busy, setBusy] = useState(false)
  const submitting = useRef(false)
  const set = (key) => (value) => setForm((f) => ({ ...f, [key]: value }))

  const submit = async (e) => {
    e.preventDefault()
    if (!__FLAGS_T1__) {
      if (submitting.current) return
      submitting.current = true
      setBusy(true)
    }
    setErrors({})
    try {
      const data = await api('/orders', {
        method: 'POST',
        body: {
          ...form,
          items: box.items.map((i) => ({ slug: i.slug, servings: i.servings })),
          promo: box.promo ? box.promo.code : null,
        },
      })
      if (data.ok) {
        setBox(EMPTY_BOX)
        navigate(`/account/orders/${data.order.id}?placed=1`)
        return
      }
      setErrors(data.errors || {})
    } catch {
      setErrors({ form: 'Something went wrong. Please try again.' })
    }
    submitting.current = false
    setBusy(false)
  }

  return (
    <Row className="g-4">
      <Col lg={7}>
        <Card>
          <Card.Body>
            <Form noValidate onSubmit={submit}>
              <h2 className="h5 mb-3">Delivery address</h2>
              {errors.form ? <Alert variant="danger">{errors.form}</Alert> : null}
              <Field id="full-name" label="Full name" value={form.name} onChange={set('name')} error={errors.name} autoComplete="name" />
              <Field id="street" label="Street address" value={form.street} onChange={set('street')} error={errors.street} autoComplete="street-address" />
              <Row>
                <Col sm={7}>
                  <Field id="city" label="City" value={form.city} onChange={set('city')} error={errors.city} autoComplete="address-level2" />
                </Col>
                <Col sm={5}>
                  <Field id="zip" label="ZIP code" value={form.zip} onChange={set('zip')} error={errors.zip} autoComplete="postal-code" inputMode="numeric" />
                </Col>
              </Row>
              <fieldset className="mb-3">
                <legend className="fs-6 fw-normal mb-2">Delivery day</legend>
                {DAYS.map((day) => (
                  <Form.Check
                    key={day}
                    inline
                    type="radio"
                    id={`day-${day}`}
                    name="delivery-day"
                    label={day}
                    checked={form.deliveryDay === day}
                    onChange={() => set('deliveryDay')(day)}
                  />
                ))}
                {errors.deliveryDay ? <div className="text-danger small">{errors.deliveryDay}</div> : null}
              </fieldset>
              <Button type="submit" variant="success" size="lg" disabled={busy}>
                Place order
              </Button>
            </Form>
          </Card.Body>
        </Card>
      </Col>
      <Col lg={5}>
        <Summary box={box} testPrefix="checkout" />
      </Col>
    </Row>
  )
}

export default function Checkout() {
  const { user, userLoaded, box, setBox } = useApp()
  if (!userLoaded || !box) return <Loading label="Loading checkout" />
  return (
    <>
      <PageTitle>Checkout</PageTitle>
      {!user ? (
        <p>
          Please <Link to="/login?next=/checkout">sign in</Link> to check out.
        </p>
      ) : box.recipeCount < box.minRecipes ? (
        <p>
          Your box needs at least {box.minRecipes} recipes. <Link to="/menu">Browse the menu</Link>
        </p>
      ) : (
        <CheckoutForm user={user} box={box} setBox={setBox} />
      )}
    </>
  )
}
