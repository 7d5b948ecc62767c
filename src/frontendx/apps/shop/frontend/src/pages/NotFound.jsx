import { Link as RouterLink } from 'react-router-dom'
import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import Typography from '@mui/material/Typography'
import { PageTitle } from '../components.jsx'

export default function NotFound() {
  return (
    <Box sx={{ textAlign: 'center', py: 6 }}>
      <PageTitle>Page not found</PageTitle>
      <Typography sx={{ mb: 3 }}>The page you are looking for does not exist.</Typography>
      <Button variant="contained" component={RouterLink} to="/">
        Back to the shop
      </Button>
    </Box>
  )
}
