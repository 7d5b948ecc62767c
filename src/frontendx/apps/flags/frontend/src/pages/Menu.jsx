import { useEffect, useState } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import Alert from 'react-bootstrap/Alert'
import Badge from 'react-bootstrap/Badge'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Col from 'react-bootstrap/Col'
import Form from 'react-bootstrap/Form'
import InputGroup from 'react-bootstrap/InputGroup'
import Row from 'react-bootstrap/Row'
import { api } from '../api.js'
import { BETA } from '../flags.js'
import { CloseIcon, DishArt, Loading, Money, PageTitle } from '../components.jsx'
import { plural } from '../format.js'
import { useApp } from '../store.jsx'

const FILTERS = ['q', 'diet', 'time', 'sort']
const TIMES = [
  ['', 'Any time'],
  ['20', '20 min or less'],
  ['30', '30 min or less'],
  ['45', '45 min or less'],
]
const SORTS = [
  ['popular', 'Most popular'],
  ['quickest', 'Quickest first'],
  ['price', __FLAGS_T11__ ? 'Price: low to high' : 'Lowest price'],
]

export function AddButton({ recipe, size }) {
  const { box, setBox, notify } = useApp()
  const [busy, setBusy] = useState(false)
  const inBox = Boolean(box?.items.some((i) => i.slug === recipe.slug))
  const full = Boolean(box && box.recipeCount >= box.maxRecipes)
  const add = async () => {
    setBusy(true)
    try {
      const data = await api('/box/items', { method: 'POST', body: { slug: recipe.slug, servings: 2 } })
      setBox(data.box)
      notify(`${recipe.name} is in your box.`, 'success')
    } catch (err) {
      notify(err.message || 'Could not add the recipe. Please try again.', 'danger')
    } finally {
      setBusy(false)
    }
  }
  if (inBox) {
    return (
      <Button variant="outline-success" size={size} disabled>
        In your box
      </Button>
    )
  }
  return (
    <Button
      variant="success"
      size={size}
      onClick={add}
      disabled={busy || !box || full}
      aria-label={`Add ${recipe.name} to box`}
    >
      {full ? 'Box is full' : 'Add to box'}
    </Button>
  )
}

export default function Menu() {
  const [params, setParams] = useSearchParams()
  const [diets, setDiets] = useState([])
  const [result, setResult] = useState(null)
  const [error, setError] = useState(null)
  const [search, setSearch] = useState(params.get('q') || '')
  const [diet, setDiet] = useState(__FLAGS_T2__ ? '' : params.get('diet') || '')
  const queryKey = JSON.stringify(FILTERS.map((k) => [k, params.get(k) || '']))

  useEffect(() => {
    api('/diets')
      .then((data) => setDiets(data.diets))
      .catch(() => setDiets([]))
  }, [])

  // the search box is debounced into the address; the address drives the results
  useEffect(() => {
    const handle = setTimeout(() => setFilter('q', search.trim()), 300)
    return () => clearTimeout(handle)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search])

  useEffect(() => {
    setFilter('diet', diet)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [diet])

  // back/forward: the address wins
  useEffect(() => {
    const fromUrl = params.get('diet') || ''
    if (!__FLAGS_T2__ && fromUrl !== diet) setDiet(fromUrl)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params])

  useEffect(() => {
    let live = true
    const qs = new URLSearchParams(JSON.parse(queryKey).filter(([k, v]) => v !== '' && !(k === 'sort' && v === 'popular'))).toString()
    setError(null)
    api(`/recipes${qs ? `?${qs}` : ''}`)
      .then((data) => {
        if (live) setResult(data)
      })
      .catch(() => {
        if (!live) return
        setResult({ recipes: [], total: 0, minutes: null })
        setError('Something went wrong while loading the menu. Please try again.')
      })
    return () => {
      live = false
    }
  }, [queryKey])

  // reads the live address, not this render's copy: the debounced search fires later
  function setFilter(key, value) {
    const next = new URLSearchParams(window.location.search)
    if ((next.get(key) || '') === value) return
    if (value) next.set(key, value)
    else next.delete(key)
    setParams(next, { replace: true })
  }

  return (
    <>
      <PageTitle>This week’s menu</PageTitle>
      <Card className="mb-4">
        <Card.Body>
          <Form
            role="search"
            onSubmit={(e) => {
              e.preventDefault()
              setFilter('q', search.trim())
            }}
          >
            <Row className="g-3">
              <Col md={6}>
                <Form.Label htmlFor="menu-search">
                  Search recipes
                  {BETA ? (
                    <Badge bg="warning" text="dark" className="ms-2">
                      Smart search
                    </Badge>
                  ) : null}
                </Form.Label>
                <InputGroup>
                  <Form.Control
                    id="menu-search"
                    type="search"
                    value={search}
                    placeholder={BETA ? 'Dish, ingredient, cuisine…' : 'Dish or cuisine…'}
                    onChange={(e) => setSearch(e.target.value)}
                  />
                  {BETA && search ? (
                    <Button
                      variant="outline-secondary"
                      onClick={() => setSearch('')}
                      aria-label={__FLAGS_T7__ ? undefined : 'Clear search'}
                      title={__FLAGS_T7__ ? undefined : 'Clear search'}
                    >
                      <CloseIcon />
                    </Button>
                  ) : null}
                </InputGroup>
              </Col>
              <Col xs={6} md={3}>
                <Form.Label htmlFor="menu-diet">Diet</Form.Label>
                <Form.Select id="menu-diet" value={diet} onChange={(e) => setDiet(e.target.value)}>
                  <option value="">All diets</option>
                  {diets.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </Form.Select>
              </Col>
              <Col xs={6} md={3}>
                <Form.Label htmlFor="menu-time">Cooking time</Form.Label>
                <Form.Select
                  id="menu-time"
                  value={params.get('time') || ''}
                  onChange={(e) => setFilter('time', e.target.value)}
                >
                  {TIMES.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </Form.Select>
              </Col>
            </Row>
          </Form>
        </Card.Body>
      </Card>

      <div className="results-bar d-flex flex-wrap justify-content-between align-items-center gap-2 mb-3">
        <p className="mb-0" aria-live="polite">
          <span data-testid="result-count" className="fw-semibold">
            {result ? plural(result.total, 'recipe') : 'Loading…'}
          </span>
          {result?.minutes ? (
            <span className="ms-2">
              · ready in {result.minutes.min}–{result.minutes.max} min
            </span>
          ) : null}
        </p>
        <div className={`sort-field d-flex align-items-center gap-2 ${__FLAGS_T4__ ? 'pinned' : ''}`}>
          <Form.Label htmlFor="menu-sort" className="mb-0 text-nowrap">
            Sort by
          </Form.Label>
          <Form.Select
            id="menu-sort"
            size="sm"
            value={params.get('sort') || 'popular'}
            onChange={(e) => setFilter('sort', e.target.value === 'popular' ? '' : e.target.value)}
          >
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Form.Select>
        </div>
      </div>

      {error ? <Alert variant="danger">{error}</Alert> : null}
      {!result ? <Loading label="Loading recipes" /> : null}
      {result && !error && result.recipes.length === 0 ? (
        <Alert variant="secondary">No recipes match your filters.</Alert>
      ) : null}
      <Row xs={1} sm={2} lg={3} className="g-3">
        {(result?.recipes || []).map((r) => (
          <Col key={r.slug}>
            <Card className="h-100 recipe-card" data-testid="recipe-card">
              <DishArt hue={r.hue} height={130} className="rounded-bottom-0" />
              <Card.Body className="d-flex flex-column">
                <h2 className="h5 card-title">
                  <Link to={`/recipes/${r.slug}`}>{r.name}</Link>
                </h2>
                <p className="mb-2 small">
                  <Badge bg="secondary" className="me-2">
                    {r.dietName}
                  </Badge>
                  {r.minutes} min
                </p>
                <p className="mb-3">
                  <Money amount={r.pricePerServing} testId={`price-${r.slug}`} /> per serving
                </p>
                <div className="mt-auto">
                  <AddButton recipe={r} />
                </div>
              </Card.Body>
            </Card>
          </Col>
        ))}
      </Row>
    </>
  )
}
