import { Text } from '@mantine/core'
import { PageTitle, TextLink } from '../ui.jsx'

export default function NotFound() {
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <Text>
        There is nothing at this address. <TextLink to="/">Go to the start page</TextLink>.
      </Text>
    </>
  )
}
