import { Link, Navigate } from 'react-router-dom'
import { Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useAuth } from '../auth.jsx'
import { Loading, PageTitle } from '../ui.jsx'

const FEATURES = [
  {
    title: 'Two-step sign-in',
    text: 'Turn on a second step and we email you a six-digit code each time you sign in.',
  },
  {
    title: 'Every session in view',
    text: 'See which devices are signed in to your account and sign out the ones you do not recognise.',
  },
  {
    title: 'Reset by email',
    text: 'Forgot your password? We send you a link that works once and expires after 30 minutes.',
  },
]

export default function Home() {
  const { user, loaded } = useAuth()
  if (!loaded) return <Loading />
  if (user) return <Navigate to="/account" replace />
  return (
    <Stack gap="xl">
      <Paper withBorder p={{ base: 'lg', sm: 'xl' }} radius="lg">
        <PageTitle mb="sm">One account for everything at Harbor</PageTitle>
        <Text fz="lg" mb="lg" maw={640}>
          Sign in to manage your profile, your password, two-step sign-in and the devices that
          are signed in to your account.
        </Text>
        <Group gap="sm">
          <Button component={Link} to="/signin" size="md">
            Sign in
          </Button>
          <Button component={Link} to="/signup" size="md" variant="default">
            Create an account
          </Button>
        </Group>
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg" data-testid="features">
        {FEATURES.map((f) => (
          <Paper key={f.title} withBorder p="lg" radius="md">
            <Title order={2} fz="lg" mb={6}>
              {f.title}
            </Title>
            <Text fz="sm">{f.text}</Text>
          </Paper>
        ))}
      </SimpleGrid>
    </Stack>
  )
}
