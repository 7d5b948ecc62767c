import { useEffect, useState } from 'react'
import Alert from '@mui/material/Alert'
import Box from '@mui/material/Box'
import CircularProgress from '@mui/material/CircularProgress'
import Paper from '@mui/material/Paper'
import Table from '@mui/material/Table'
import TableBody from '@mui/material/TableBody'
import TableCell from '@mui/material/TableCell'
import TableContainer from '@mui/material/TableContainer'
import TableHead from '@mui/material/TableHead'
import TableRow from '@mui/material/TableRow'
import { api } from '../api.js'
import { Money, PageTitle } from '../components.jsx'
import { formatDate } from '../format.js'
import { useShop } from '../store.jsx'
import { SignInPrompt } from './Orders.jsx'

export default function Admin() {
  const { user, userLoaded } = useShop()
  const [orders, setOrders] = useState(null)
  const [denied, setDenied] = useState(false)

  useEffect(() => {
    if (!user) return undefined
    let live = true
    setOrders(null)
    setDenied(false)
    api('/admin/orders')
      .then((data) => live && setOrders(data.orders))
      .catch(() => live && setDenied(true))
    return () => {
      live = false
    }
  }, [user])

  if (userLoaded && !user) return <SignInPrompt next="/admin" />
  if (denied) {
    return (
      <Box>
        <PageTitle>Store admin</PageTitle>
        <Alert severity="warning">You don't have access to this page.</Alert>
      </Box>
    )
  }
  return (
    <Box>
      <PageTitle>Store admin: all orders</PageTitle>
      {!orders ? (
        <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
          <CircularProgress aria-label="Loading orders" />
        </Box>
      ) : (
        <TableContainer component={Paper} variant="outlined">
          <Table aria-label="All orders">
            <TableHead>
              <TableRow>
                <TableCell>Order</TableCell>
                <TableCell>Customer</TableCell>
                <TableCell>Placed</TableCell>
                <TableCell align="right">Items</TableCell>
                <TableCell align="right">Total</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {orders.map((o) => (
                <TableRow key={o.id} data-testid="admin-order-row">
                  <TableCell>#{o.id}</TableCell>
                  <TableCell>
                    {o.customer}
                    <Box component="span" sx={{ display: 'block', color: 'text.secondary', fontSize: '0.8rem' }}>
                      {o.email}
                    </Box>
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
      )}
    </Box>
  )
}
