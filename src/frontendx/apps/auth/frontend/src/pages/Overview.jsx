import { useEffect, useState } from 'react'
import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { formatDate, formatDateTime } from '../format.js'
import { Loading, PageTitle, TextLink, UserAvatar, usePageBusy, useTone } from '../ui.jsx'

function Card({ title, children, testId }) {
  return (
    <Paper withBorder p="lg" radius="md" data-testid={testId}>
      <Title order={2} fz="lg" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  )
}

export default function Overview() {
  const { user } = useAuth()
  const tone = useTone()
  const [account, setAccount] = useState(null)
  const [failed, setFailed] = useState(false)
  usePageBusy(account === null && !failed)

  useEffect(() => {
    let live = true
    api('/account')
      .then((data) => live && setAccount(data.account))
      .catch(() => live && setFailed(true))
    return () => {
      live = false
    }
  }, [])

  if (failed) return <Text>Your account could not be loaded.</Text>
  if (!account) return <Loading label="Loading your account" />
  const prefs = user?.prefs
  return (
    <Stack gap="lg">
      <PageTitle mb={0}>Your account</PageTitle>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Card title="Profile" testId="card-profile">
          <Group gap="md" wrap="nowrap" align="flex-start">
            <UserAvatar name={account.name} size={56} />
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Text fw={600} data-testid="overview-name">
                {account.name}
              </Text>
              <Text fz="sm" style={{ overflowWrap: 'anywhere' }} data-testid="overview-email">
                {account.email}
              </Text>
              <Text fz="sm">Member since {formatDate(account.createdAt, prefs)}</Text>
            </Stack>
          </Group>
          <Group gap="md" mt="md">
            <TextLink to="/account/settings" fz="sm">
              Edit profile
            </TextLink>
            <TextLink to={`/users/${account.id}`} fz="sm">
              View profile
            </TextLink>
          </Group>
        </Card>
        <Card title="Security" testId="card-security">
          <Stack gap={6}>
            <Group gap="xs">
              <Text fz="sm">Two-step sign-in:</Text>
              <Badge variant="outline" color={tone(account.twoStep ? 'teal' : 'gray')} data-testid="overview-two-step">
                {account.twoStep ? 'On' : 'Off'}
              </Badge>
            </Group>
            <Text fz="sm">Password last changed {formatDateTime(account.passwordChangedAt, prefs)}</Text>
            <TextLink to="/account/settings" fz="sm">
              Security settings
            </TextLink>
          </Stack>
        </Card>
        <Card title="Sessions" testId="card-sessions">
          <Text fz="sm" mb="sm" data-testid="overview-session-count">
            {account.sessionCount === 1 ? '1 active session' : `${account.sessionCount} active sessions`}
          </Text>
          <TextLink to="/account/sessions" fz="sm">
            Manage sessions
          </TextLink>
        </Card>
        <Card title="Recent activity" testId="card-activity">
          {account.recentActivity.length === 0 ? (
            <Text fz="sm">No activity yet.</Text>
          ) : (
            <Stack gap={8} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {account.recentActivity.map((entry) => (
                <li key={entry.id}>
                  <Text fz="sm" fw={500} component="span">
                    {entry.label}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {formatDateTime(entry.at, prefs)}
                    {entry.detail ? ` · ${entry.detail}` : ''}
                  </Text>
                </li>
              ))}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  )
}
