import { useEffect, useRef, useState } from 'react'
import { useParams } from 'react-router-dom'
import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { formatDate, formatDateTime } from '../format.js'
import { Loading, Note, PageTitle, TextLink, UserAvatar, usePageBusy, useTone } from '../ui.jsx'

function Fact({ label, children, testId }) {
  return (
    <div>
      <Text fz="xs" tt="uppercase" fw={600} c="dimmed">
        {label}
      </Text>
      <Text data-testid={testId}>{children}</Text>
    </div>
  )
}

export default function Profile() {
  const { id } = useParams()
  const { user } = useAuth()
  const tone = useTone()
  const [profile, setProfile] = useState(null)
  const [missing, setMissing] = useState(false)
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState(false)
  const inFlight = useRef(false)
  usePageBusy(profile === null && !missing)

  useEffect(() => {
    let live = true
    setProfile(null)
    setMissing(false)
    setMessage('')
    if (!/^\d+$/.test(id)) {
      setMissing(true)
      return undefined
    }
    api(`/users/${id}`)
      .then((data) => live && setProfile(data.user))
      .catch(() => live && setMissing(true))
    return () => {
      live = false
    }
  }, [id])

  if (missing) {
    return (
      <>
        <PageTitle>Profile not found</PageTitle>
        <Text>
          There is no profile at this address, or you cannot see it. <TextLink to="/account">Back to your account</TextLink>
        </Text>
      </>
    )
  }
  if (!profile) return <Loading label="Loading profile" />
  const prefs = user?.prefs
  const canManage = user?.role === 'admin' && user.id !== profile.id
  const setStatus = async (status) => {
    if (inFlight.current) return
    inFlight.current = true
    setBusy(true)
    setMessage('')
    try {
      const data = await api(`/admin/users/${profile.id}/status`, { method: 'POST', body: { status } })
      setProfile(data.user)
      setMessage(status === 'disabled' ? 'The account was disabled and signed out everywhere.' : 'The account was enabled.')
    } catch {
      setMessage('The change could not be saved.')
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }
  return (
    <Stack gap="lg" maw={760}>
      <Group gap="md" wrap="nowrap">
        <UserAvatar name={profile.name} size={64} />
        <div style={{ minWidth: 0 }}>
          <PageTitle mb={0}>{profile.name}</PageTitle>
          <Text style={{ overflowWrap: 'anywhere' }} data-testid="profile-email">
            {profile.email}
          </Text>
        </div>
      </Group>
      <Paper withBorder p="lg" radius="md">
        <Title order={2} fz="lg" mb="md">
          Account details
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Fact label="Role">{profile.role === 'admin' ? 'Administrator' : 'Member'}</Fact>
          <Fact label="Status" testId="profile-status">
            {profile.status === 'active' ? 'Active' : 'Disabled'}
          </Fact>
          <Fact label="Member since">{formatDate(profile.createdAt, prefs)}</Fact>
          <Fact label="Last sign-in">{formatDateTime(profile.lastSignInAt, prefs)}</Fact>
          <Fact label="Two-step sign-in">{profile.twoStep ? 'On' : 'Off'}</Fact>
          <Fact label="Active sessions">{profile.sessionCount}</Fact>
        </SimpleGrid>
      </Paper>
      {canManage ? (
        <Paper withBorder p="lg" radius="md">
          <Title order={2} fz="lg" mb="sm">
            Manage account
          </Title>
          {message ? (
            <Note color="teal" role="status" mb="sm" py="xs">
              {message}
            </Note>
          ) : null}
          <Group gap="sm">
            {profile.status === 'active' ? (
              <Button color={tone('red')} variant="outline" loading={busy} onClick={() => setStatus('disabled')}>
                Disable account
              </Button>
            ) : (
              <Button loading={busy} onClick={() => setStatus('active')}>
                Enable account
              </Button>
            )}
            <Badge variant="outline" color={tone('gray')}>
              Admin view
            </Badge>
          </Group>
        </Paper>
      ) : null}
    </Stack>
  )
}
