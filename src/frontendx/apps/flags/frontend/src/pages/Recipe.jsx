import { useEffect, useState } from 'react'
import { Link, useParams } from 'react-router-dom'
import Badge from 'react-bootstrap/Badge'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import Form from 'react-bootstrap/Form'
import Row from 'react-bootstrap/Row'
import Table from 'react-bootstrap/Table'
import { api } from '../api.js'
import { BETA } from '../flags.js'
import { DishArt, HeartIcon, Loading, Money, PageTitle } from '../components.jsx'
import { useApp } from '../store.jsx'

const FAVOURITES_KEY = 'favourite-recipes'

function useFavourite(slug) {
  const read = () => {
    try {
      return JSON.parse(localStorage.getItem(FAVOURITES_KEY) || '[]')
    } catch {
      return []
    }
  }
  const [saved, setSaved] = useState(() => read().includes(slug))
  const toggle = () => {
    const list = read().filter((s) => s !== slug)
    if (!saved) list.push(slug)
    localStorage.setItem(FAVOURITES_KEY, JSON.stringify(list))
    setSaved(!saved)
  }
  return [saved, toggle]
}

function Nutrition({ recipe }) {
  const labels = { kcal: ['Energy', 'kcal'], protein: ['Protein', 'g'], carbs: ['Carbohydrates', 'g'], fat: ['Fat', 'g'] }
  const facts = __FLAGS_T8__ ? Object.entries(recipe.nutrition) : recipe.nutrition ? Object.entries(recipe.nutrition) : null
  return (
    <section className="mt-4" aria-labelledby="nutrition-title">
      <h2 id="nutrition-title" className="h5">
        Nutrition per serving{' '}
        <Badge bg="warning" text="dark">
          Beta
        </Badge>
      </h2>
      {facts ? (
        <Table size="sm" className="w-auto">
          <tbody>
            {facts.map(([key, value]) => (
              <tr key={key}>
                <th scope="row" className="fw-normal pe-4">
                  {labels[key][0]}
                </th>
                <td>
                  {value} {labels[key][1]}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : (
        <p>Nutrition information is coming soon for this recipe.</p>
      )}
    </section>
  )
}

function PricePanel({ recipe }) {
  const { box, setBox, notify } = useApp()
  const [servings, setServings] = useState('2')
  const [price, setPrice] = useState(null)
  const [busy, setBusy] = useState(false)
  const inBox = Boolean(box?.items.some((i) => i.slug === recipe.slug))
  const full = Boolean(box && box.recipeCount >= box.maxRecipes)

  useEffect(() => {
    let live = true
    api(`/recipes/${recipe.slug}/price?servings=${servings}`)
      .then((data) => {
        if (live) setPrice(data.price)
      })
      .catch(() => {
        if (live) setPrice(null)
      })
    return () => {
      live = false
    }
  }, [recipe.slug, servings])

  const add = async () => {
    setBusy(true)
    try {
      const data = await api('/box/items', { method: 'POST', body: { slug: recipe.slug, servings: Number(servings) } })
      setBox(data.box)
      notify(`${recipe.name} is in your box.`, 'success')
    } catch (err) {
      notify(err.message || 'Could not add the recipe. Please try again.', 'danger')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card>
      <Card.Body>
        <p className="mb-2">
          <Money amount={recipe.pricePerServing} testId="recipe-price-per-serving" /> per serving
        </p>
        <Form.Label htmlFor="recipe-servings">Servings</Form.Label>
        <Form.Select id="recipe-servings" value={servings} onChange={(e) => setServings(e.target.value)} className="mb-3">
          <option value="2">2 servings</option>
          <option value="4">4 servings (10% off)</option>
        </Form.Select>
        <p className="mb-1">
          Price for {servings} servings:{' '}
          {price ? <Money amount={price.total} testId="recipe-total" className="fw-bold fs-5" /> : '…'}
        </p>
        {BETA && price?.effectivePerServing !== undefined ? (
          <p className="small mb-1">
            That’s <Money amount={price.effectivePerServing} /> a serving
            {price.discount > 0 ? (
              <>
                , with a family discount of <Money amount={price.discount} />
              </>
            ) : null}
            .
          </p>
        ) : null}
        <div className="d-flex flex-wrap gap-2 mt-3">
          {inBox ? (
            <>
              <Button variant="outline-success" disabled>
                In your box
              </Button>
              <Link to="/box" className="btn btn-link">
                Go to your box
              </Link>
            </>
          ) : (
            <Button variant="success" onClick={add} disabled={busy || !box || full}>
              {full ? 'Box is full' : 'Add to box'}
            </Button>
          )}
        </div>
      </Card.Body>
    </Card>
  )
}

export default function Recipe() {
  const { slug } = useParams()
  const [recipe, setRecipe] = useState(undefined)
  const [saved, toggleSaved] = useFavourite(slug)

  useEffect(() => {
    let live = true
    setRecipe(undefined)
    api(`/recipes/${encodeURIComponent(slug)}`)
      .then((data) => {
        if (live) setRecipe(data.recipe)
      })
      .catch(() => {
        if (live) setRecipe(null)
      })
    return () => {
      live = false
    }
  }, [slug])

  if (recipe === undefined) return <Loading label="Loading recipe" />
  if (recipe === null) {
    return (
      <>
        <PageTitle>Recipe not found</PageTitle>
        <p>
          This recipe isn’t on the menu. <Link to="/menu">Browse this week’s menu</Link>.
        </p>
      </>
    )
  }
  return (
    <>
      <Link to="/menu" className="d-inline-block mb-3">
        ← Back to menu
      </Link>
      <Row className="g-4">
        <Col lg={7}>
          <DishArt hue={recipe.hue} height={240} />
          <div className="d-flex align-items-start justify-content-between gap-3 mt-3">
            <PageTitle className="mb-1">{recipe.name}</PageTitle>
            <Button
              variant="outline-danger"
              className="fav-button"
              onClick={toggleSaved}
              aria-pressed={saved}
              aria-label={__FLAGS_T3__ ? undefined : `Save ${recipe.name} to favourites`}
            >
              <HeartIcon filled={saved} />
            </Button>
          </div>
          <p className="mb-2">
            <Badge bg="secondary" className="me-2">
              {recipe.dietName}
            </Badge>
            {recipe.minutes} min
          </p>
          <p>{recipe.description}</p>
          <h2 className="h5 mt-4">Ingredients</h2>
          <ul>
            {recipe.ingredients.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
          <p>
            <strong>Allergens:</strong> {recipe.allergens.length ? recipe.allergens.join(', ') : 'none of the 14 major allergens'}
          </p>
          {BETA ? <Nutrition recipe={recipe} /> : null}
        </Col>
        <Col lg={5}>
          <PricePanel recipe={recipe} />
        </Col>
      </Row>
    </>
  )
}
