import { useEffect, useState } from 'react'
import { Link as RouterLink, useParams, useSearchParams } from 'react-router-dom'
import Alert from '@mui/material/Alert'
import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import CircularProgress from '@mui/material/CircularProgress'
import Paper from '@mui/material/Paper'
import Typography from '@mui/material/Typography'
import { api } from '../api.js'
import { Money, PageTitle, Totals } from '../components.jsx'
import { formatDate } from '../format.js'
import { useShop } from '../store.jsx'
import { SignInPrompt } from './Orders.jsx'

export default function OrderDetail() {
  const { id } = useParams()
  const [params] = useSearchParams()
  const { user, userLoaded } = useShop()
  const [order, setOrder] = useState(null)
  const [missing, setMissing] = useState(false)

  useEffect(() => {
    if (!user) return undefined
    let live = true
    setOrder(null)
    setMissing(false)
    if (!/^\d+$/.test(id)) {
      setMissing(true)
      return undefined
    }
    api(`/orders/${id}`)
      .then((data) => live && setOrder(data.order))
      .catch(() => live && setMissing(true))
    return () => {
      live = false
    }
  }, [id, user])

  if (userLoaded && !user) return <SignInPrompt next={`/orders/${id}`} />
  if (missing) {
    return (
      <Box sx={{ textAlign: 'center', py: 6 }}>
        <PageTitle>Order not found</PageTitle>
        <Typography sx={{ mb: 3 }}>We could not find this order in your account.</Typography>
        <Button variant="contained" component={RouterLink} to="/orders">
          Back to your orders
        </Button>
      </Box>
    )
  }
  if (!order) {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
        <CircularProgress aria-label="Loading order" />
      </Box>
    )
  }
  const ship = order.shippingAddress
  return (
    <Box>
      {params.get('placed') ? (
        <Alert severity="success" sx={{ mb: 3 }}>
          Thank you for your order! A confirmation is on its way.
        </Alert>
      ) : null}
      <PageTitle sx={{ mb: 1 }}>Order #{order.id}</PageTitle>
      <Typography color="text.secondary" sx={{ mb: 3 }}>
        Placed {formatDate(order.placedAt)}
      </Typography>
      <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', md: '2fr 1fr' }, alignItems: 'start' }}>
        <Paper variant="outlined" sx={{ p: 2.5 }}>
          <Typography variant="h2" sx={{ mb: 2 }}>
            Items
          </Typography>
          <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }}>
            {order.items.map((item) => (
              <Box
                component="li"
                key={item.productId}
                sx={{ display: 'flex', justifyContent: 'space-between', gap: 2, py: 1, borderBottom: 1, borderColor: 'divider' }}
              >
                <span>
                  {item.quantity} × {item.name}
                </span>
                <Money amount={item.lineTotal} />
              </Box>
            ))}
          </Box>
          <Typography variant="h2" sx={{ mt: 3, mb: 1 }}>
            Shipping to
          </Typography>
          <Typography component="address" sx={{ fontStyle: 'normal' }} data-testid="shipping-address">
            {ship.name}
            <br />
            {ship.address}
            <br />
            {ship.city} {ship.zip}
          </Typography>
        </Paper>
        <Paper variant="outlined" sx={{ p: 2.5 }}>
          <Typography variant="h2" sx={{ mb: 2 }}>
            Summary
          </Typography>
          <Totals cart={order} />
        </Paper>
      </Box>
    </Box>
  )
}
