import { useEffect, useState } from 'react'
import { Link as RouterLink, useSearchParams } from 'react-router-dom'
import Alert from '@mui/material/Alert'
import Box from '@mui/material/Box'
import Card from '@mui/material/Card'
import CardContent from '@mui/material/CardContent'
import CircularProgress from '@mui/material/CircularProgress'
import InputAdornment from '@mui/material/InputAdornment'
import Link from '@mui/material/Link'
import Paper from '@mui/material/Paper'
import Typography from '@mui/material/Typography'
import { api } from '../api.js'
import { Field, Money, PageTitle, SelectField, Swatch } from '../components.jsx'
import { SearchIcon } from '../icons.jsx'
import { useShop } from '../store.jsx'

const FILTERS = ['q', 'category', 'min', 'max']

export default function Catalog() {
  const { rememberProducts } = useShop()
  const [params, setParams] = useSearchParams()
  const [categories, setCategories] = useState([])
  const [products, setProducts] = useState(null)
  const [error, setError] = useState(null)
  const [search, setSearch] = useState(params.get('q') || '')
  const [min, setMin] = useState(params.get('min') || '')
  const [max, setMax] = useState(params.get('max') || '')
  const query = FILTERS.map((k) => [k, params.get(k) || ''])
  const queryKey = JSON.stringify(query)

  useEffect(() => {
    api('/categories')
      .then((data) => setCategories(data.categories))
      .catch(() => setCategories([]))
  }, [])

  // the search box is debounced into the URL; the URL drives the results
  useEffect(() => {
    const handle = setTimeout(() => setFilter('q', search.trim()), 300)
    return () => clearTimeout(handle)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search])

  // prices are applied once they parse as a number (or are cleared)
  useEffect(() => {
    const handle = setTimeout(() => {
      for (const [key, raw] of [['min', min], ['max', max]]) {
        const value = raw.trim().replace(',', '.')
        if (value === '' || /^\d+(\.\d{0,2})?$/.test(value)) setFilter(key, value.replace(/\.$/, ''))
      }
    }, 250)
    return () => clearTimeout(handle)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [min, max])

  useEffect(() => {
    let live = true
    const qs = new URLSearchParams(JSON.parse(queryKey).filter(([, v]) => v !== '')).toString()
    setError(null)
    api(`/products${qs ? `?${qs}` : ''}`)
      .then((data) => {
        if (!live) return
        rememberProducts(data.products)
        setProducts(data.products)
      })
      .catch(() => {
        if (!live) return
        setProducts([])
        setError('Something went wrong while loading products. Please try again.')
      })
    return () => {
      live = false
    }
  }, [queryKey, rememberProducts])

  // reads the live address, not this render's copy: the debounced search fires later
  function setFilter(key, value) {
    const next = new URLSearchParams(window.location.search)
    if ((next.get(key) || '') === value) return
    if (value) next.set(key, value)
    else next.delete(key)
    setParams(next, { replace: true })
  }

  return (
    <Box>
      <PageTitle>Shop all goods</PageTitle>
      <Paper
        variant="outlined"
        component="form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          setFilter('q', search.trim())
        }}
        sx={{ p: 2, mb: 3, display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr 1fr', md: '2fr 1fr 1fr 1fr' } }}
      >
        <Field
          label="Search products"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ gridColumn: { xs: '1 / -1', md: 'auto' } }}
          startAdornment={
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          }
        />
        <SelectField
          label="Category"
          value={params.get('category') || ''}
          onChange={(e) => setFilter('category', e.target.value)}
          sx={{ gridColumn: { xs: '1 / -1', md: 'auto' } }}
        >
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <Field
          label="Min price"
          value={min}
          onChange={(e) => setMin(e.target.value)}
          inputProps={{ inputMode: 'decimal' }}
          startAdornment={<InputAdornment position="start">$</InputAdornment>}
        />
        <Field
          label="Max price"
          value={max}
          onChange={(e) => setMax(e.target.value)}
          inputProps={{ inputMode: 'decimal' }}
          startAdornment={<InputAdornment position="start">$</InputAdornment>}
        />
      </Paper>

      {error ? (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error}
        </Alert>
      ) : null}
      {products === null ? (
        <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
          <CircularProgress aria-label="Loading products" />
        </Box>
      ) : (
        <>
          {!error ? (
            <Typography color="text.secondary" sx={{ mb: 2 }} data-testid="result-count">
              {products.length === 1 ? '1 product' : `${products.length} products`}
            </Typography>
          ) : null}
          {!error && products.length === 0 ? (
            <Typography sx={{ py: 4, textAlign: 'center' }}>No products match your filters.</Typography>
          ) : null}
          <Box
            component="ul"
            aria-label="Products"
            sx={{
              listStyle: 'none',
              p: 0,
              m: 0,
              display: 'grid',
              gap: 2,
              gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr', md: 'repeat(3, 1fr)', lg: 'repeat(4, 1fr)' },
            }}
          >
            {products.map((p) => (
              <Card component="li" key={p.id} variant="outlined" data-testid="product-card">
                <CardContent sx={{ display: 'flex', gap: 2, alignItems: 'flex-start' }}>
                  <Swatch color={p.color} name={p.name} />
                  <Box sx={{ minWidth: 0 }}>
                    <Link
                      component={RouterLink}
                      to={`/product/${p.id}`}
                      underline="hover"
                      sx={{ fontWeight: 600, display: 'block' }}
                    >
                      {p.name}
                    </Link>
                    <Typography variant="body2" color="text.secondary">
                      {p.categoryName}
                    </Typography>
                    <Typography sx={{ mt: 0.5, fontWeight: 600 }}>
                      <Money amount={p.price} />
                    </Typography>
                  </Box>
                </CardContent>
              </Card>
            ))}
          </Box>
        </>
      )}
    </Box>
  )
}
