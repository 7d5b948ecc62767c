import { useEffect, useState } from 'react'
import { Link } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import Form from 'react-bootstrap/Form'
import Row from 'react-bootstrap/Row'
import { api } from '../api.js'
import { ARM } from '../flags.js'
import { DishArt, Money } from '../components.jsx'

const HERO = {
  a: {
    title: 'Dinner, sorted.',
    lead: 'Chef-designed recipes and fresh, perfectly portioned ingredients, delivered to your door every week.',
    primary: { to: '/menu', label: 'Browse the menu' },
    secondary: { to: '/pricing', label: 'See plans' },
  },
  b: {
    title: 'Fresh recipes, delivered weekly',
    lead: 'Pick 2 to 5 recipes a week, skip any week you like, and let us do the shopping.',
    primary: { to: '/pricing', label: 'See plans' },
    secondary: { to: '/menu', label: 'Browse the menu' },
  },
}

function Newsletter() {
  const [email, setEmail] = useState('')
  const [error, setError] = useState(null)
  const [message, setMessage] = useState(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setMessage(null)
    try {
      const data = await api('/newsletter', { method: 'POST', body: { email } })
      if (data.ok) {
        setMessage(data.message)
        setEmail('')
      } else {
        setError(data.error)
      }
    } catch {
      setError('Something went wrong. Please try again.')
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card className="mt-5" as="section" aria-labelledby="newsletter-title">
      <Card.Body className="p-4">
        <h2 id="newsletter-title" className="h4">
          {ARM === 'b' ? 'Get $10 off your first box' : 'The Friday recipe letter'}
        </h2>
        <p className="mb-3">
          {ARM === 'b'
            ? 'Join our recipe letter and we will email you a welcome code.'
            : 'One new recipe and a handful of kitchen tips, every Friday.'}
        </p>
        <Form noValidate onSubmit={submit}>
          <Row className="g-2 align-items-start">
            <Col sm={8} md={6}>
              <Form.Label htmlFor="newsletter-email" className="visually-hidden">
                Email address
              </Form.Label>
              <Form.Control
                id="newsletter-email"
                type="email"
                placeholder="you@example.com"
                value={email}
                isInvalid={Boolean(error)}
                aria-describedby={error ? 'newsletter-error' : undefined}
                onChange={(e) => setEmail(e.target.value)}
              />
              <Form.Control.Feedback type="invalid" id="newsletter-error">
                {error}
              </Form.Control.Feedback>
            </Col>
            <Col xs="auto">
              <Button type="submit" variant="success" disabled={busy}>
                Subscribe
              </Button>
            </Col>
          </Row>
        </Form>
        {message ? (
          <Alert variant="success" className="mt-3 mb-0" role="status">
            {message}
          </Alert>
        ) : null}
      </Card.Body>
    </Card>
  )
}

export default function Landing() {
  const hero = HERO[ARM]
  const [popular, setPopular] = useState(null)
  useEffect(() => {
    document.title = 'Sprig & Spoon · Recipe boxes delivered weekly'
    api('/recipes')
      .then((data) => setPopular(data.recipes.slice(0, 3)))
      .catch(() => setPopular([]))
  }, [])
  return (
    <>
      <section className="hero py-3 py-md-5">
        <Row className="align-items-center g-4">
          <Col md={7}>
            {__FLAGS_T13__ ? (
              <p className="text-success text-uppercase fw-semibold small mb-2" style={{ letterSpacing: '0.08em' }}>
                Fresh recipes, delivered weekly
              </p>
            ) : null}
            <h1 className="display-5 fw-bold" data-testid="hero-title">
              {hero.title}
            </h1>
            <p className="lead" data-testid="hero-lead">
              {hero.lead}
            </p>
            <div className="d-flex flex-wrap gap-2">
              <Link to={hero.primary.to} className="btn btn-success btn-lg">
                {hero.primary.label}
              </Link>
              <Link to={hero.secondary.to} className="btn btn-outline-success btn-lg">
                {hero.secondary.label}
              </Link>
            </div>
          </Col>
          <Col md={5} className={`hero-art ${__FLAGS_T6__ ? 'compact' : ''}`}>
            <DishArt hue={130} height={260} testId="hero-art" />
          </Col>
        </Row>
      </section>

      <section className="mt-5" aria-labelledby="how-title">
        <h2 id="how-title" className="h4 mb-3">
          How it works
        </h2>
        <Row xs={1} md={3} className="g-3">
          {[
            ['1. Pick your recipes', 'Choose 2 to 5 recipes from this week’s menu, for 2 or 4 people.'],
            ['2. We deliver', 'Fresh ingredients arrive on Monday, Wednesday or Friday.'],
            ['3. Cook and enjoy', 'Step-by-step recipe cards, most ready in 30 minutes.'],
          ].map(([title, text]) => (
            <Col key={title}>
              <Card className="h-100">
                <Card.Body>
                  <h3 className="h6 fw-bold">{title}</h3>
                  <p className="mb-0">{text}</p>
                </Card.Body>
              </Card>
            </Col>
          ))}
        </Row>
      </section>

      <section className="mt-5" aria-labelledby="popular-title">
        <h2 id="popular-title" className="h4 mb-3">
          Popular this week
        </h2>
        <Row xs={1} md={3} className="g-3">
          {(popular || []).map((r) => (
            <Col key={r.slug}>
              <Card className="h-100 recipe-card">
                <DishArt hue={r.hue} height={120} className="rounded-bottom-0" />
                <Card.Body>
                  <h3 className="h6 card-title">
                    <Link to={`/recipes/${r.slug}`}>{r.name}</Link>
                  </h3>
                  <p className="mb-0 small">
                    {r.minutes} min · <Money amount={r.pricePerServing} /> per serving
                  </p>
                </Card.Body>
              </Card>
            </Col>
          ))}
        </Row>
      </section>

      <Newsletter />
    </>
  )
}
