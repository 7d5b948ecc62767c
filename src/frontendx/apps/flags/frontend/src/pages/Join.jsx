import { useEffect, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Form from 'react-bootstrap/Form'
import { api } from '../api.js'
import { Loading, Money, PageTitle } from '../components.jsx'
import { useApp } from '../store.jsx'

export default function Join() {
  const { plan: planId } = useParams()
  const { user, userLoaded, setUser, notify } = useApp()
  const navigate = useNavigate()
  const [plans, setPlans] = useState(null)
  const [billing, setBilling] = useState('monthly')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    api('/plans')
      .then((data) => setPlans(data.plans))
      .catch(() => setPlans([]))
  }, [])

  if (!plans || !userLoaded) return <Loading label="Loading plan" />
  const plan = plans.find((p) => p.id === planId && p.monthly > 0)
  if (!plan) {
    return (
      <>
        <PageTitle>Plan not found</PageTitle>
        <p>
          We don’t have that plan. <Link to="/pricing">See all plans</Link>.
        </p>
      </>
    )
  }

  const start = async (e) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const data = await api('/membership', { method: 'POST', body: { plan: plan.id, billing } })
      if (!data.ok) {
        setError(data.error)
        setBusy(false)
        return
      }
      setUser(data.user)
      notify(`Welcome to Sprig ${plan.name}!`, 'success')
      navigate('/account')
    } catch {
      setError('Something went wrong. Please try again.')
      setBusy(false)
    }
  }

  return (
    <div className="mx-auto" style={{ maxWidth: 560 }}>
      <PageTitle>{`Join Sprig ${plan.name}`}</PageTitle>
      <p>{plan.tagline}</p>
      <Card>
        <Card.Body>
          <Form onSubmit={start}>
            {error ? <Alert variant="danger">{error}</Alert> : null}
            <fieldset className="mb-3">
              <legend className="fs-6 fw-semibold">How would you like to pay?</legend>
              <Form.Check
                type="radio"
                id="billing-monthly"
                name="billing"
                checked={billing === 'monthly'}
                onChange={() => setBilling('monthly')}
                label={
                  <>
                    Monthly: <Money amount={plan.monthly} testId="join-price-monthly" /> a month
                  </>
                }
              />
              <Form.Check
                type="radio"
                id="billing-yearly"
                name="billing"
                checked={billing === 'yearly'}
                onChange={() => setBilling('yearly')}
                label={
                  <>
                    Yearly: <Money amount={plan.yearly} testId="join-price-yearly" /> a year
                  </>
                }
              />
            </fieldset>
            <ul>
              {plan.features.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
            {user ? (
              <Button type="submit" variant="success" disabled={busy}>
                Start membership
              </Button>
            ) : (
              <Link to={`/login?next=/join/${plan.id}`} className="btn btn-success">
                Sign in to join
              </Link>
            )}
          </Form>
        </Card.Body>
      </Card>
    </div>
  )
}
