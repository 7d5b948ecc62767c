import { useEffect, useState } from 'react'
import { Link } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Badge from 'react-bootstrap/Badge'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import Row from 'react-bootstrap/Row'
import Table from 'react-bootstrap/Table'
import { api } from '../api.js'
import { Loading, Money, PageTitle } from '../components.jsx'

function PopularBadge({ className = '' }) {
  return (
    <Badge bg="success" data-testid="popular-badge" className={className}>
      Most popular
    </Badge>
  )
}

function ChooseLink({ plan, className = 'btn btn-success' }) {
  if (plan.monthly === 0) {
    return (
      <Link to="/menu" className={className.replace('btn-success', 'btn-outline-success')}>
        Start with Basic
      </Link>
    )
  }
  return (
    <Link to={`/join/${plan.id}`} className={className}>
      Choose {plan.name}
    </Link>
  )
}

function Cards({ plans }) {
  return (
    <Row className="g-4 align-items-stretch">
      {plans.map((p) => (
        <Col key={p.id} xs={12} md={4}>
          <Card className={`h-100 plan-card ${p.popular ? 'popular' : ''}`} data-testid={`plan-card-${p.id}`}>
            <Card.Body className="d-flex flex-column">
              <div style={{ minHeight: '1.75rem' }}>{p.popular ? <PopularBadge /> : null}</div>
              <h2 className="h4 fw-bold" data-testid={`plan-name-${p.id}`}>
                {p.name}
              </h2>
              <p>{p.tagline}</p>
              {p.monthly === 0 ? (
                <p className="price-big mb-3">Free</p>
              ) : (
                <>
                  <p className="mb-1">
                    <Money amount={p.monthly} testId={`price-monthly-${p.id}`} className="price-big" /> / month
                  </p>
                  <p className="small mb-3">
                    or <Money amount={p.yearly} testId={`price-yearly-${p.id}`} className="fw-semibold" /> a year (2 months
                    free)
                  </p>
                </>
              )}
              <ul className="mb-4">
                {p.features.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
              <div className="mt-auto">
                <ChooseLink plan={p} className="btn btn-success w-100" />
              </div>
            </Card.Body>
          </Card>
        </Col>
      ))}
    </Row>
  )
}

function Comparison({ plans }) {
  const features = [...new Set(plans.flatMap((p) => p.features))]
  return (
    <Table responsive bordered className="plan-table align-middle text-center">
      <caption className="text-start">Compare the plans. Yearly billing gets you two months free.</caption>
      <thead>
        <tr>
          <td />
          {plans.map((p) => (
            <th key={p.id} scope="col" className={__FLAGS_T10__ ? 'plan-head' : undefined}>
              {p.popular ? (
                <div className={__FLAGS_T10__ ? 'ribbon' : 'mb-1'}>
                  <PopularBadge />
                </div>
              ) : (
                <div className="mb-1" aria-hidden="true">
                  &nbsp;
                </div>
              )}
              <h2 className="h4 fw-bold mb-0" data-testid={`plan-name-${p.id}`}>
                {p.name}
              </h2>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row" className="text-start">
            Monthly
          </th>
          {plans.map((p) => (
            <td key={p.id}>
              {p.monthly === 0 ? 'Free' : <Money amount={p.monthly} testId={`price-monthly-${p.id}`} className="fs-5 fw-bold" />}
            </td>
          ))}
        </tr>
        <tr>
          <th scope="row" className="text-start">
            Yearly
          </th>
          {plans.map((p) => (
            <td key={p.id}>
              {p.monthly === 0 ? (
                'Free'
              ) : (
                <>
                  <Money amount={p.yearly} testId={`price-yearly-${p.id}`} className="fs-5 fw-bold" />
                  <div className="small">
                    that’s <Money amount={p.yearlyPerMonth} /> a month
                  </div>
                </>
              )}
            </td>
          ))}
        </tr>
        {features.map((f) => (
          <tr key={f}>
            <th scope="row" className="text-start fw-normal">
              {f}
            </th>
            {plans.map((p) => (
              <td key={p.id}>
                {p.features.includes(f) ? (
                  <>
                    <span aria-hidden="true">✓</span>
                    <span className="visually-hidden">Included</span>
                  </>
                ) : (
                  <>
                    <span aria-hidden="true">–</span>
                    <span className="visually-hidden">Not included</span>
                  </>
                )}
              </td>
            ))}
          </tr>
        ))}
        <tr>
          <td />
          {plans.map((p) =>
            __FLAGS_T9__ && p.monthly > 0 ? (
              <td key={p.id}>
                <Link to={`/signup?plan=${p.id}`} className="btn btn-success">
                  Choose {p.name}
                </Link>
              </td>
            ) : (
              <td key={p.id}>
                <ChooseLink plan={p} />
              </td>
            ),
          )}
        </tr>
      </tbody>
    </Table>
  )
}

export default function Pricing() {
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    api('/plans')
      .then(setData)
      .catch(() => setError('Plans could not be loaded. Please try again.'))
  }, [])
  return (
    <>
      <PageTitle>Plans and pricing</PageTitle>
      <p className={`lead ${__FLAGS_T12__ ? 'mb-2' : 'mb-4'}`}>Recipes are priced per serving. A membership adds free delivery and more.</p>
      {__FLAGS_T12__ ? (
        <ul className="list-inline mb-4" aria-label="Every plan">
          {['Cancel any time', 'Skip a week in one click', 'No hidden fees'].map((perk) => (
            <li key={perk} className="list-inline-item">
              <Badge pill bg="light" text="dark" className="border fw-normal px-3 py-2">
                {perk}
              </Badge>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <Alert variant="danger">{error}</Alert> : null}
      {!data && !error ? <Loading label="Loading plans" /> : null}
      {data ? data.layout === 'table' ? <Comparison plans={data.plans} /> : <Cards plans={data.plans} /> : null}
    </>
  )
}
