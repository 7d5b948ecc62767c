import { useEffect, useState } from 'react'
import { Link as RouterLink } from 'react-router-dom'
import Alert from '@mui/material/Alert'
import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import CircularProgress from '@mui/material/CircularProgress'
import Link from '@mui/material/Link'
import Paper from '@mui/material/Paper'
import Table from '@mui/material/Table'
import TableBody from '@mui/material/TableBody'
import TableCell from '@mui/material/TableCell'
import TableContainer from '@mui/material/TableContainer'
import TableHead from '@mui/material/TableHead'
import TableRow from '@mui/material/TableRow'
import Typography from '@mui/material/Typography'
import { api } from '../api.js'
import { Money, PageTitle } from '../components.jsx'
import { formatDate } from '../format.js'
import { useShop } from '../store.jsx'

export function SignInPrompt({ next }) {
  return (
    <Box sx={{ textAlign: 'center', py: 6 }}>
      <Typography sx={{ mb: 2 }}>Please sign in to see your orders.</Typography>
      <Button variant="contained" component={RouterLink} to={`/login?next=${encodeURIComponent(next)}`}>
        Sign in
      </Button>
    </Box>
  )
}

export default function Orders() {
  const { user, userLoaded } = useShop()
  const [orders, setOrders] = useState(null)
  const [error, setError] = useState('')

  useEffect(() => {
    if (!user) return undefined
    let live = true
    setOrders(null)
    api('/orders')
      .then((data) => live && setOrders(data.orders))
      .catch(() => live && setError('Your orders could not be loaded.'))
    return () => {
      live = false
    }
  }, [user])

  if (userLoaded && !user) return <SignInPrompt next="/orders" />
  return (
    <Box>
      <PageTitle>Your orders</PageTitle>
      {error ? <Alert severity="error">{error}</Alert> : null}
      {!orders && !error ? (
        <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
          <CircularProgress aria-label="Loading orders" />
        </Box>
      ) : null}
      {orders && orders.length === 0 ? <Typography>You have not placed any orders yet.</Typography> : null}
      {orders && orders.length > 0 ? (
        <TableContainer component={Paper} variant="outlined">
          <Table aria-label="Your orders">
            <TableHead>
              <TableRow>
                <TableCell>Order</TableCell>
                <TableCell>Placed</TableCell>
                <TableCell align="right">Items</TableCell>
                <TableCell align="right">Total</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {orders.map((o) => (
                <TableRow key={o.id} data-testid="order-row" hover>
                  <TableCell>
                    <Link component={RouterLink} to={`/orders/${o.id}`}>
                      Order #{o.id}
                    </Link>
                  </TableCell>
                  <TableCell>{formatDate(o.placedAt)}</TableCell>
                  <TableCell align="right">{o.itemCount}</TableCell>
                  <TableCell align="right">
                    <Money amount={o.total} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      ) : null}
    </Box>
  )
}
