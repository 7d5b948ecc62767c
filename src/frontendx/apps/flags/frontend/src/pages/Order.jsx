import { useEffect, useState } from 'react'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import ListGroup from 'react-bootstrap/ListGroup'
import Row from 'react-bootstrap/Row'
import { api } from '../api.js'
import { Loading, Money, PageTitle } from '../components.jsx'
import { formatMoment } from '../format.js'
import Summary from './Summary.jsx'

export default function Order() {
  const { id } = useParams()
  const [params] = useSearchParams()
  const [data, setData] = useState(null)
  useEffect(() => {
    let live = true
    setData(null)
    const path = /^\d+$/.test(id) ? `/orders/${id}` : null
    if (!path) {
      setData({ order: null, signedIn: true })
      return undefined
    }
    api(path)
      .then((d) => {
        if (live) setData(d)
      })
      .catch(() => {
        if (live) setData({ order: null, signedIn: true })
      })
    return () => {
      live = false
    }
  }, [id])

  if (!data) return <Loading label="Loading order" />
  if (!data.signedIn) {
    return (
      <>
        <PageTitle>Your order</PageTitle>
        <p>
          Please <Link to={`/login?next=/account/orders/${id}`}>sign in</Link> to see your orders.
        </p>
      </>
    )
  }
  const order = data.order
  if (!order) {
    return (
      <>
        <PageTitle>Order not found</PageTitle>
        <p>
          We couldn’t find that order in your account. <Link to="/account">Back to your account</Link>
        </p>
      </>
    )
  }
  return (
    <>
      {params.get('placed') ? (
        <Alert variant="success" role="status">
          Thank you! Your order is confirmed.
        </Alert>
      ) : null}
      <PageTitle>{`Order #${order.id}`}</PageTitle>
      <p>
        Placed {formatMoment(order.placedAt)} · Delivery day: <strong data-testid="delivery-day">{order.deliveryDay}</strong>
      </p>
      <Row className="g-4">
        <Col lg={7}>
          <ListGroup className="mb-3">
            {order.items.map((item) => (
              <ListGroup.Item key={item.slug} className="d-flex justify-content-between">
                <span>
                  <Link to={`/recipes/${item.slug}`}>{item.name}</Link> · {item.servings} servings
                </span>
                <Money amount={item.lineTotal} />
              </ListGroup.Item>
            ))}
          </ListGroup>
          <Card body>
            <h2 className="h6">Delivery address</h2>
            <address className="mb-0" data-testid="order-address">
              {order.address.name}
              <br />
              {order.address.street}
              <br />
              {order.address.city} {order.address.zip}
            </address>
          </Card>
        </Col>
        <Col lg={5}>
          <Summary box={order} testPrefix="order" />
        </Col>
      </Row>
      <p className="mt-4">
        <Link to="/account">Back to your account</Link>
      </p>
    </>
  )
}
