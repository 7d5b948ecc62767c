import { useEffect, useState } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Stack, Table, Text } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { formatDateTime } from '../format.js'
import { Loading, Note, PageTitle, usePageBusy } from '../ui.jsx'

function Actor({ actor }) {
  if (actor.id === null) return <Text fz="sm" fs="italic">{actor.name}</Text>
  return (
    <Anchor component={Link} to={`/users/${actor.id}`} fz="sm">
      {actor.name}
    </Anchor>
  )
}

export default function AdminAudit() {
  const { user } = useAuth()
  const [entries, setEntries] = useState(null)
  const [denied, setDenied] = useState(false)
  usePageBusy(entries === null && !denied)

  useEffect(() => {
    let live = true
    api('/admin/audit')
      .then((data) => live && setEntries(data.entries))
      .catch(() => live && setDenied(true))
    return () => {
      live = false
    }
  }, [])

  if (denied) {
    return (
      <>
        <PageTitle>Audit log</PageTitle>
        <Note color="orange">
          You don&apos;t have access to this page.
        </Note>
      </>
    )
  }
  if (!entries) return <Loading label="Loading the audit log" />
  const prefs = user?.prefs
  return (
    <Stack gap="md">
      <div>
        <PageTitle mb={4}>Audit log</PageTitle>
        <Text>Security events of every account, newest first.</Text>
      </div>
      <Table.ScrollContainer minWidth={820}>
        <Table aria-label="Audit log" striped verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Event</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>IP address</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e) => (
              <Table.Tr key={e.id} data-testid="audit-row">
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at, prefs)}</Table.Td>
                <Table.Td>{e.label}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/users/${e.account.id}`} fz="sm">
                    {e.account.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Actor actor={e.actor} />
                </Table.Td>
                <Table.Td>{e.ip || '—'}</Table.Td>
                <Table.Td>{e.detail || '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  )
}
