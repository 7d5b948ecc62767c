import { Link } from 'react-router-dom'
import { PageTitle } from '../components.jsx'

export default function NotFound() {
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <p>
        We couldn’t find that page. <Link to="/">Go to the home page</Link> or{' '}
        <Link to="/menu">browse the menu</Link>.
      </p>
    </>
  )
}
