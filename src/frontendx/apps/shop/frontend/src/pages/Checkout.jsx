import { useEffect, useState } from 'react'
import { Link as RouterLink, useNavigate } from 'react-router-dom'
import Alert from '@mui/material/Alert'
import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import CircularProgress from '@mui/material/CircularProgress'
import Paper from '@mui/material/Paper'
import Typography from '@mui/material/Typography'
import { api } from '../api.js'
import { Field, Money, PageTitle, Totals } from '../components.jsx'
import { useShop } from '../store.jsx'

const FIELDS = [
  { name: 'name', label: 'Full name', autoComplete: 'name' },
  { name: 'address', label: 'Street address', autoComplete: 'street-address' },
  { name: 'city', label: 'City', autoComplete: 'address-level2' },
  { name: 'zip', label: 'ZIP code', autoComplete: 'postal-code', inputMode: 'numeric' },
]

export default function Checkout() {
  const { user, userLoaded, cart, cartLoaded, refreshCart } = useShop()
  const navigate = useNavigate()
  const [form, setForm] = useState({ name: '', address: '', city: '', zip: '' })
  const [errors, setErrors] = useState({})
  const [submitting, setSubmitting] = useState(false)

  useEffect(() => {
    if (userLoaded && !user) navigate('/login?next=/checkout', { replace: true })
  }, [userLoaded, user, navigate])

  useEffect(() => {
    if (user && !form.name) setForm((f) => ({ ...f, name: user.name }))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user])

  if (!userLoaded || !cartLoaded || !user) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
        <CircularProgress aria-label="Loading checkout" />
      </Box>
    )
  }
  if (cart.items.length === 0) {
    return (
      <Box sx={{ textAlign: 'center', py: 6 }}>
        <PageTitle>Checkout</PageTitle>
        <Typography sx={{ mb: 3 }}>Your cart is empty.</Typography>
        <Button variant="contained" component={RouterLink} to="/">
          Continue shopping
        </Button>
      </Box>
    )
  }

  const submit = async (e) => {
    e.preventDefault()
    setSubmitting(true)
    setErrors({})
    try {
      const data = await api('/checkout', { method: 'POST', body: form })
      await refreshCart()
      navigate(`/orders/${data.order.id}?placed=1`)
    } catch (err) {
      if (err.status === 401) navigate('/login?next=/checkout')
      else setErrors(err.body?.errors || { form: err.message })
    } finally {
      setSubmitting(false)
    }
  }

  const general = errors.form || errors.cart
  return (
    <Box>
      <PageTitle>Checkout</PageTitle>
      <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', md: '7fr 5fr' }, alignItems: 'start' }}>
        <Paper variant="outlined" component="form" noValidate onSubmit={submit} sx={{ p: { xs: 2, sm: 3 } }}>
          <Typography variant="h2" sx={{ mb: 2 }}>
            Shipping address
          </Typography>
          {general ? (
            <Alert severity="error" sx={{ mb: 2 }}>
              {general}
            </Alert>
          ) : null}
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' } }}>
            {FIELDS.map((f) => (
              <Field
                key={f.name}
                id={`checkout-${f.name}`}
                label={f.label}
                name={f.name}
                value={form[f.name]}
                onChange={(e) => setForm({ ...form, [f.name]: e.target.value })}
                error={Boolean(errors[f.name])}
                helperText={errors[f.name] || ''}
                autoComplete={f.autoComplete}
                sx={{ gridColumn: f.name === 'name' || f.name === 'address' ? '1 / -1' : 'auto' }}
                inputProps={f.inputMode ? { inputMode: f.inputMode } : {}}
              />
            ))}
          </Box>
          <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
            We ship within the United States. Payment is collected on delivery.
          </Typography>
          <Button type="submit" variant="contained" size="large" disabled={submitting} sx={{ mt: 3, minWidth: 180 }}>
            Place order
          </Button>
        </Paper>
        <Paper
          variant="outlined"
          data-testid="checkout-summary"
          sx={{ p: 2.5, position: 'relative', zIndex: 1, mt: { xs: __SHOP_T5__ ? -9 : 0, md: 0 } }}
        >
          <Typography variant="h2" sx={{ mb: 2 }}>
            Order summary
          </Typography>
          <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0, mb: 2 }}>
            {cart.items.map((item) => (
              <Box component="li" key={item.productId} sx={{ display: 'flex', justifyContent: 'space-between', gap: 2, py: 0.5 }}>
                <span>
                  {item.quantity} × {item.name}
                </span>
                <Money amount={item.lineTotal} />
              </Box>
            ))}
          </Box>
          <Totals cart={cart} />
        </Paper>
      </Box>
    </Box>
  )
}
