import { useState } from 'react'
import { Link as RouterLink, useNavigate } from 'react-router-dom'
import Alert from '@mui/material/Alert'
import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import CircularProgress from '@mui/material/CircularProgress'
import IconButton from '@mui/material/IconButton'
import Link from '@mui/material/Link'
import Paper from '@mui/material/Paper'
import Typography from '@mui/material/Typography'
import { api } from '../api.js'
import { Field, Money, PageTitle, Swatch, Totals } from '../components.jsx'
import { AddIcon, DeleteIcon, RemoveIcon } from '../icons.jsx'
import { formatMoney } from '../format.js'
import { useShop } from '../store.jsx'

const FREE_SHIPPING_FROM = 50

function CartLine({ item, busy, onQuantity, onRemove }) {
  const removeLabel = __SHOP_T3__ ? {} : { 'aria-label': `Remove ${item.name}` }
  return (
    <Paper
      variant="outlined"
      component="li"
      data-testid="cart-line"
      sx={{
        p: 2,
        display: 'grid',
        gap: 2,
        alignItems: 'center',
        gridTemplateColumns: { xs: '56px 1fr auto', sm: '56px 1fr auto auto auto' },
      }}
    >
      <Swatch color={item.color} name={item.name} />
      <Box sx={{ minWidth: 0 }}>
        <Link component={RouterLink} to={`/product/${item.productId}`} underline="hover" sx={{ fontWeight: 600 }}>
          {item.name}
        </Link>
        <Typography variant="body2" color="text.secondary">
          <Money amount={item.unitPrice} /> each
        </Typography>
      </Box>
      <Box
        sx={{ display: 'flex', alignItems: 'center', gap: 0.5, gridColumn: { xs: '2', sm: 'auto' }, gridRow: { xs: 2, sm: 'auto' } }}
      >
        <IconButton
          size="small"
          aria-label={`Decrease quantity of ${item.name}`}
          disabled={busy || item.quantity <= 1}
          onClick={() => onQuantity(item, item.quantity - 1)}
        >
          <RemoveIcon fontSize="small" />
        </IconButton>
        <Typography
          component="span"
          data-testid="line-qty"
          aria-label={`Quantity of ${item.name}`}
          sx={{ minWidth: 28, textAlign: 'center', fontWeight: 600 }}
        >
          {item.quantity}
        </Typography>
        <IconButton
          size="small"
          aria-label={`Increase quantity of ${item.name}`}
          disabled={busy || item.quantity >= item.stock}
          onClick={() => onQuantity(item, item.quantity + 1)}
        >
          <AddIcon fontSize="small" />
        </IconButton>
      </Box>
      <Typography sx={{ fontWeight: 600, textAlign: 'right', minWidth: 80 }}>
        <Money amount={item.lineTotal} testId="line-total" />
      </Typography>
      <IconButton
        {...removeLabel}
        disabled={busy}
        onClick={() => onRemove(item)}
        sx={{ justifySelf: 'end', gridColumn: { xs: 3, sm: 'auto' }, gridRow: { xs: 2, sm: 'auto' } }}
      >
        <DeleteIcon />
      </IconButton>
    </Paper>
  )
}

export default function Cart() {
  const { cart, setCart, cartLoaded, user } = useShop()
  const navigate = useNavigate()
  const [busy, setBusy] = useState(false)
  const [code, setCode] = useState('')
  const [couponError, setCouponError] = useState('')

  const run = async (fn) => {
    setBusy(true)
    try {
      const data = await fn()
      setCart(data.cart)
      return true
    } catch (err) {
      return err
    } finally {
      setBusy(false)
    }
  }

  const onQuantity = (item, quantity) =>
    run(() => api(`/cart/items/${item.productId}`, { method: 'PATCH', body: { quantity } }))
  const onRemove = (item) => run(() => api(`/cart/items/${item.productId}`, { method: 'DELETE' }))
  const applyCoupon = async (e) => {
    e.preventDefault()
    setCouponError('')
    if (!code.trim()) {
      setCouponError('Enter a coupon code.')
      return
    }
    const result = await run(() => api('/cart/coupon', { method: 'POST', body: { code } }))
    if (result === true) setCode('')
    else setCouponError(result.message)
  }
  const removeCoupon = () => run(() => api('/cart/coupon', { method: 'DELETE' }))

  if (!cartLoaded) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
        <CircularProgress aria-label="Loading cart" />
      </Box>
    )
  }
  if (cart.items.length === 0) {
    return (
      <Box sx={{ textAlign: 'center', py: 6 }}>
        <PageTitle>Your cart</PageTitle>
        <Typography sx={{ mb: 3 }}>Your cart is empty.</Typography>
        <Button variant="contained" component={RouterLink} to="/">
          Continue shopping
        </Button>
      </Box>
    )
  }
  return (
    <Box>
      <PageTitle>Your cart</PageTitle>
      <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', md: '2fr 1fr' }, alignItems: 'start' }}>
        <Box component="ul" aria-label="Cart items" sx={{ listStyle: 'none', p: 0, m: 0, display: 'grid', gap: 1.5 }}>
          {cart.items.map((item) => (
            <CartLine key={item.productId} item={item} busy={busy} onQuantity={onQuantity} onRemove={onRemove} />
          ))}
        </Box>
        <Paper variant="outlined" sx={{ p: 2.5 }}>
          <Typography variant="h2" sx={{ mb: 2 }}>
            Order summary
          </Typography>
          {cart.coupon ? (
            <Alert
              severity="success"
              sx={{ mb: 2 }}
              action={
                <Button color="inherit" size="small" onClick={removeCoupon} disabled={busy}>
                  Remove
                </Button>
              }
            >
              <strong>{cart.coupon.code}</strong>: {cart.coupon.label}
            </Alert>
          ) : (
            <Box component="form" onSubmit={applyCoupon} sx={{ display: 'flex', gap: 1, mb: 2, alignItems: 'flex-start' }}>
              <Field
                label="Coupon code"
                size="small"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                error={Boolean(couponError)}
                helperText={couponError}
                sx={{ flexGrow: 1 }}
              />
              <Button type="submit" variant="outlined" disabled={busy} sx={{ height: 40 }}>
                Apply
              </Button>
            </Box>
          )}
          <Totals cart={cart} />
          {__SHOP_T8__ && cart.shipping > 0 && cart.subtotal - cart.discount < FREE_SHIPPING_FROM ? (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }} data-testid="free-shipping-hint">
              Add {formatMoney(FREE_SHIPPING_FROM - (cart.subtotal - cart.discount))} more to get free shipping.
            </Typography>
          ) : null}
          <Button
            variant="contained"
            size="large"
            fullWidth
            sx={{ mt: 2 }}
            onClick={() => navigate(user ? '/checkout' : '/login?next=/checkout')}
          >
            Proceed to checkout
          </Button>
          {!user ? (
            <Alert severity="info" sx={{ mt: 2 }}>
              You will be asked to sign in before paying.
            </Alert>
          ) : null}
        </Paper>
      </Box>
    </Box>
  )
}
