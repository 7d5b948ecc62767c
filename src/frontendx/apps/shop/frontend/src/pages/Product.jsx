import { useEffect, useState } from 'react'
import { Link as RouterLink, useParams } from 'react-router-dom'
import Box from '@mui/material/Box'
import Breadcrumbs from '@mui/material/Breadcrumbs'
import Button from '@mui/material/Button'
import Chip from '@mui/material/Chip'
import CircularProgress from '@mui/material/CircularProgress'
import Link from '@mui/material/Link'
import Paper from '@mui/material/Paper'
import Typography from '@mui/material/Typography'
import { api } from '../api.js'
import { Money, Swatch } from '../components.jsx'
import { CartIcon } from '../icons.jsx'
import { useShop } from '../store.jsx'

export default function Product() {
  const { id } = useParams()
  const pid = Number(id)
  const { productCache, setCart, notify } = useShop()
  const [product, setProduct] = useState(() => productCache.current.get(pid) || null)
  const [missing, setMissing] = useState(false)
  const [adding, setAdding] = useState(false)

  useEffect(() => {
    let live = true
    const cached = productCache.current.get(pid)
    setProduct(cached || null)
    setMissing(false)
    if (__SHOP_T1__) {
      if (!cached) setMissing(true)
      return undefined
    }
    if (!Number.isInteger(pid) || pid <= 0) {
      setMissing(true)
      return undefined
    }
    api(`/products/${pid}`)
      .then((data) => {
        if (!live) return
        productCache.current.set(pid, data.product)
        setProduct(data.product)
      })
      .catch(() => {
        if (live) setMissing(true)
      })
    return () => {
      live = false
    }
  }, [pid, productCache])

  useEffect(() => {
    if (product) document.title = `${product.name} · Pinecrest Supply`
    return () => {
      document.title = 'Pinecrest Supply'
    }
  }, [product])

  if (missing) {
    return (
      <Box sx={{ textAlign: 'center', py: 6 }}>
        <Typography variant="h1" sx={{ mb: 2 }}>
          Product not found
        </Typography>
        <Typography sx={{ mb: 3 }}>This product does not exist or is no longer available.</Typography>
        <Button variant="contained" component={RouterLink} to="/">
          Back to the shop
        </Button>
      </Box>
    )
  }
  if (!product) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
        <CircularProgress aria-label="Loading product" />
      </Box>
    )
  }

  const addToCart = async () => {
    setAdding(true)
    try {
      const data = await api('/cart/items', { method: 'POST', body: { productId: product.id, quantity: 1 } })
      setCart(data.cart)
      notify(`Added to cart: ${product.name}`)
    } catch (err) {
      notify(err.message)
    } finally {
      setAdding(false)
    }
  }

  const soldOut = product.stock <= 0
  return (
    <Box>
      <Breadcrumbs aria-label="Breadcrumb" sx={{ mb: 2, color: __SHOP_T6__ ? 'text.primary' : undefined }}>
        <Link component={RouterLink} to="/" underline="hover" color="inherit">
          Shop
        </Link>
        <Link component={RouterLink} to={`/?category=${product.category}`} underline="hover" color="inherit">
          {product.categoryName}
        </Link>
        <Typography color="text.primary">{product.name}</Typography>
      </Breadcrumbs>
      <Paper
        variant="outlined"
        sx={{ p: { xs: 2, sm: 4 }, display: 'grid', gap: 4, gridTemplateColumns: { xs: '1fr', md: '280px 1fr' } }}
      >
        <Box sx={{ display: 'grid', placeItems: 'center' }}>
          <Swatch color={product.color} name={product.name} size={220} />
        </Box>
        <Box>
          <Typography variant="h1" sx={{ mb: 1 }}>
            {product.name}
          </Typography>
          <Chip label={product.categoryName} size="small" sx={{ mb: 2 }} />
          <Typography sx={{ mb: 2 }}>{product.description}</Typography>
          {product.features.length > 0 ? (
            <Box component="ul" sx={{ pl: 3, mt: 0, mb: 3 }}>
              {product.features.map((f) => (
                <li key={f}>
                  <Typography component="span">{f}</Typography>
                </li>
              ))}
            </Box>
          ) : null}
          <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 3, mt: 2 }}>
            <Typography
              component="p"
              data-testid="product-price"
              sx={{ display: 'inline-block', fontSize: __SHOP_T6__ ? '2rem' : '1.75rem', fontWeight: 700, m: 0 }}
            >
              <Money amount={product.price} />
            </Typography>
            <Button
              variant="contained"
              size="large"
              startIcon={<CartIcon />}
              onClick={addToCart}
              disabled={adding || soldOut}
              sx={{ ml: __SHOP_T2__ ? -9 : 0 }}
            >
              Add to cart
            </Button>
          </Box>
          <Typography variant="body2" color={product.stock <= 5 ? 'secondary' : 'text.secondary'} sx={{ mt: 1.5 }}>
            {soldOut ? 'Sold out' : product.stock <= 5 ? `Only ${product.stock} left in stock` : 'In stock'}
          </Typography>
        </Box>
      </Paper>
    </Box>
  )
}
