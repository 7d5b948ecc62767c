import { useEffect, useRef, useState } from 'react'
import { Badge, Box, Button, Group, Paper, Stack, Text } from '@mantine/core'
import { useMediaQuery } from '@mantine/hooks'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { formatDateTime } from '../format.js'
import { Loading, Note, PageTitle, usePageBusy, useTone } from '../ui.jsx'

function SessionRow({ session, prefs, onEnd, busy }) {
  const phone = useMediaQuery('(max-width: 47.99em)')
  const pinned = __AUTH_T4__ && phone
  const tone = useTone()
  return (
    <Paper withBorder p="md" radius="md" pos="relative" data-testid="session-row">
      <Group justify="space-between" align="flex-start" gap="sm" wrap="wrap">
        <Box style={{ flex: '1 1 240px', minWidth: 0 }}>
          <Text fw={600} data-testid="session-device">
            {session.device} · {session.location}
          </Text>
          {session.current ? (
            <Badge variant="outline" color={tone('teal')} my={4}>
              This device
            </Badge>
          ) : null}
          {!session.current && __AUTH_T15__ ? (
            <Badge variant="light" color="gray" my={4}>
              Signed in elsewhere
            </Badge>
          ) : null}
          <Text fz="sm">IP address {session.ip}</Text>
          <Text fz="sm" data-testid="session-times">
            Signed in {formatDateTime(session.signedInAt, prefs)} · Last active {formatDateTime(session.lastActiveAt, prefs)}
          </Text>
        </Box>
        {session.current ? null : (
          <Button
            variant="default"
            size="xs"
            onClick={() => onEnd(session)}
            disabled={busy}
            style={pinned ? { position: 'absolute', top: 12, right: 12 } : { flex: 'none' }}
          >
            End session
          </Button>
        )}
      </Group>
    </Paper>
  )
}

export default function Sessions() {
  const { user } = useAuth()
  const tone = useTone()
  const [sessions, setSessions] = useState(null)
  const [failed, setFailed] = useState(false)
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState(false)
  const inFlight = useRef(false)
  usePageBusy(sessions === null && !failed)

  useEffect(() => {
    let live = true
    api('/sessions')
      .then((data) => live && setSessions(data.sessions))
      .catch(() => live && setFailed(true))
    return () => {
      live = false
    }
  }, [])

  const run = async (path, done) => {
    if (inFlight.current) return
    inFlight.current = true
    setBusy(true)
    setMessage('')
    try {
      const data = await api(path, { method: 'POST' })
      setSessions(data.sessions)
      setMessage(done)
    } catch {
      setMessage('That did not work. Please try again.')
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }

  if (failed) return <Text>Your sessions could not be loaded.</Text>
  if (!sessions) return <Loading label="Loading sessions" />
  const others = sessions.filter((s) => !s.current).length
  return (
    <Stack gap="md" maw={760}>
      <div>
        <PageTitle mb={4}>Sessions</PageTitle>
        <Text>These devices are signed in to your account. End any session you do not recognise.</Text>
      </div>
      <Group justify="space-between">
        <Text fw={500} data-testid="session-count">
          {sessions.length === 1 ? '1 active session' : `${sessions.length} active sessions`}
        </Text>
        <Button variant="outline" color={tone('red')} disabled={busy || others === 0} onClick={() => run('/sessions/end-others', 'All other sessions were signed out.')}>
          End all other sessions
        </Button>
      </Group>
      {message ? (
        <Note color="teal" role="status" py="xs">
          {message}
        </Note>
      ) : null}
      <Stack gap="sm" data-testid="sessions-list">
        {sessions.map((session) => (
          <SessionRow
            key={session.id}
            session={session}
            prefs={user?.prefs}
            busy={busy}
            onEnd={(s) => run(`/sessions/${s.id}/end`, `${s.device} was signed out.`)}
          />
        ))}
      </Stack>
    </Stack>
  )
}
