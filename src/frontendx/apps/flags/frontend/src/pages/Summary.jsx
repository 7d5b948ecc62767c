import Card from 'react-bootstrap/Card'
import { Money } from '../components.jsx'

const FREE_BECAUSE = {
  member: 'Free for members',
  promo: 'Free with your promo code',
  threshold: 'Free on boxes of $60 or more',
}

export default function Summary({ box, testPrefix = 'summary', children }) {
  return (
    <Card data-testid={`${testPrefix}-card`}>
      <Card.Body>
        <h2 className="h5">Order summary</h2>
        <dl className="row mb-0">
          <dt className="col-7 fw-normal">Recipes ({box.servingCount} servings)</dt>
          <dd className="col-5 text-end">
            <Money amount={box.subtotal} testId={`${testPrefix}-subtotal`} />
          </dd>
          {box.promo ? (
            <>
              <dt className="col-7 fw-normal">Promo discount</dt>
              <dd className="col-5 text-end">
                −<Money amount={box.discount} testId={`${testPrefix}-discount`} />
              </dd>
            </>
          ) : null}
          <dt className="col-7 fw-normal">
            Delivery
            {box.deliveryFreeBecause ? <span className="d-block small">{FREE_BECAUSE[box.deliveryFreeBecause]}</span> : null}
          </dt>
          <dd className="col-5 text-end">
            <Money amount={box.delivery} testId={`${testPrefix}-delivery`} free={box.recipeCount > 0} />
          </dd>
          <dt className="col-7 border-top pt-2">Total</dt>
          <dd className="col-5 text-end border-top pt-2 fw-bold mb-0">
            <Money amount={box.total} testId={`${testPrefix}-total`} />
          </dd>
        </dl>
        {children}
      </Card.Body>
    </Card>
  )
}
