import { useState } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import Form from 'react-bootstrap/Form'
import ListGroup from 'react-bootstrap/ListGroup'
import Row from 'react-bootstrap/Row'
import { api } from '../api.js'
import { DishArt, Loading, Money, PageTitle } from '../components.jsx'
import { plural } from '../format.js'
import { useApp } from '../store.jsx'
import Summary from './Summary.jsx'

function Line({ item, onChange }) {
  const [busy, setBusy] = useState(false)
  const run = async (request) => {
    setBusy(true)
    try {
      onChange(await request())
    } finally {
      setBusy(false)
    }
  }
  const servingsId = `servings-${item.slug}`
  return (
    <ListGroup.Item className="py-3" data-testid="box-line">
      <Row className="align-items-center g-2">
        <Col xs={3} sm={2}>
          <DishArt hue={item.hue} height={56} />
        </Col>
        <Col xs={9} sm={4}>
          <Link to={`/recipes/${item.slug}`} className="fw-semibold">
            {item.name}
          </Link>
          <div className="small">
            <Money amount={item.pricePerServing} /> per serving
          </div>
        </Col>
        <Col xs={6} sm={3}>
          <Form.Label htmlFor={servingsId} className="visually-hidden">
            Servings for {item.name}
          </Form.Label>
          <Form.Select
            id={servingsId}
            size="sm"
            value={String(item.servings)}
            disabled={busy}
            onChange={(e) =>
              run(() => api(`/box/items/${item.slug}`, { method: 'PATCH', body: { servings: Number(e.target.value) } }))
            }
          >
            <option value="2">2 servings</option>
            <option value="4">4 servings</option>
          </Form.Select>
        </Col>
        <Col xs={3} sm={2} className="text-end fw-semibold">
          <Money amount={item.lineTotal} testId={`line-total-${item.slug}`} />
        </Col>
        <Col xs={3} sm={1} className="text-end">
          <Button
            variant="link"
            size="sm"
            className="text-danger p-0"
            disabled={busy}
            aria-label={`Remove ${item.name}`}
            onClick={() => run(() => api(`/box/items/${item.slug}`, { method: 'DELETE' }))}
          >
            Remove
          </Button>
        </Col>
      </Row>
    </ListGroup.Item>
  )
}

function Promo({ box, setBox }) {
  const [code, setCode] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const apply = async (e) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const data = await api('/box/promo', { method: 'POST', body: { code } })
      setBox(data.box)
      if (data.error) setError(data.error)
      else setCode('')
    } catch {
      setError('Something went wrong. Please try again.')
    } finally {
      setBusy(false)
    }
  }
  const remove = async () => {
    setBusy(true)
    try {
      const data = await api('/box/promo', { method: 'DELETE' })
      setBox(data.box)
    } finally {
      setBusy(false)
    }
  }
  if (box.promo) {
    return (
      <div className="d-flex flex-wrap align-items-center gap-2 mt-3">
        <span data-testid="applied-promo">
          Promo <strong>{box.promo.code}</strong>: {box.promo.label}
        </span>
        <Button variant="link" size="sm" onClick={remove} disabled={busy}>
          Remove promo code
        </Button>
      </div>
    )
  }
  return (
    <Form onSubmit={apply} noValidate className="mt-3">
      <Form.Label htmlFor="promo-code">Promo code</Form.Label>
      <div className="d-flex gap-2 align-items-start">
        <div className="flex-grow-1">
          <Form.Control
            id="promo-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            isInvalid={Boolean(error)}
            aria-describedby={error ? 'promo-error' : undefined}
            autoComplete="off"
          />
          <Form.Control.Feedback type="invalid" id="promo-error">
            {error}
          </Form.Control.Feedback>
        </div>
        <Button type="submit" variant="outline-success" disabled={busy}>
          Apply
        </Button>
      </div>
    </Form>
  )
}

export default function Box() {
  const { box, setBox, user } = useApp()
  const navigate = useNavigate()
  if (!box) return <Loading label="Loading your box" />
  const enough = box.recipeCount >= box.minRecipes
  return (
    <>
      <PageTitle>Your box</PageTitle>
      {box.items.length === 0 ? (
        <Card body>
          <p className="mb-2">Your box is empty.</p>
          <Link to="/menu">Browse this week’s menu</Link>
        </Card>
      ) : (
        <Row className="g-4">
          <Col lg={8}>
            <p className="mb-2" data-testid="box-count">
              {plural(box.recipeCount, 'recipe')} of {box.maxRecipes}
            </p>
            <ListGroup>
              {box.items.map((item) => (
                <Line key={item.slug} item={item} onChange={(data) => setBox(data.box)} />
              ))}
            </ListGroup>
            {!enough ? (
              <Alert variant="info" className="mt-3">
                Add at least {box.minRecipes} recipes to check out.{' '}
                <Link to="/menu" className="alert-link">
                  Browse the menu
                </Link>
              </Alert>
            ) : null}
            <Promo box={box} setBox={setBox} />
          </Col>
          <Col lg={4}>
            <Summary box={box}>
              <Button
                variant="success"
                className="w-100 mt-3"
                disabled={!enough}
                onClick={() => navigate(user ? '/checkout' : '/login?next=/checkout')}
              >
                Checkout
              </Button>
            </Summary>
          </Col>
        </Row>
      )}
    </>
  )
}
