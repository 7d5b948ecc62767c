import { useEffect, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { Anchor, Badge, Stack, Table, Text, TextInput } from '@mantine/core'
import { Link } from 'react-router-dom'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { formatDateTime } from '../format.js'
import { Loading, Note, PageTitle, usePageBusy, useTone } from '../ui.jsx'

export default function AdminUsers() {
  const { user } = useAuth()
  const tone = useTone()
  const [params, setParams] = useSearchParams()
  const q = params.get('q') || ''
  const [query, setQuery] = useState(q)
  const [users, setUsers] = useState(null)
  const [denied, setDenied] = useState(false)
  usePageBusy(users === null && !denied)

  useEffect(() => {
    const handle = setTimeout(() => {
      if (query.trim() !== q) setParams(query.trim() ? { q: query.trim() } : {}, { replace: true })
    }, 250)
    return () => clearTimeout(handle)
  }, [query, q, setParams])

  useEffect(() => {
    let live = true
    api(`/admin/users${q ? `?q=${encodeURIComponent(q)}` : ''}`)
      .then((data) => live && setUsers(data.users))
      .catch(() => live && setDenied(true))
    return () => {
      live = false
    }
  }, [q])

  if (denied) {
    return (
      <>
        <PageTitle>Users</PageTitle>
        <Note color="orange">
          You don&apos;t have access to this page.
        </Note>
      </>
    )
  }
  const prefs = user?.prefs
  return (
    <Stack gap="md">
      <PageTitle mb={0}>Users</PageTitle>
      <TextInput label="Search users" description="By name or email" value={query} onChange={(e) => setQuery(e.currentTarget.value)} maw={360} />
      {!users ? (
        <Loading label="Loading users" />
      ) : (
        <>
          <Text fw={500} data-testid="user-count">
            {users.length === 1 ? '1 account' : `${users.length} accounts`}
          </Text>
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label="Users" striped highlightOnHover verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Two-step</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.map((u) => (
                  <Table.Tr key={u.id} data-testid="user-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/users/${u.id}`} fz="sm">
                        {u.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{u.email}</Table.Td>
                    <Table.Td>{u.role === 'admin' ? 'Administrator' : 'Member'}</Table.Td>
                    <Table.Td>{u.twoStep ? 'On' : 'Off'}</Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color={tone(u.status === 'active' ? 'teal' : 'red')}>
                        {u.status === 'active' ? 'Active' : 'Disabled'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDateTime(u.lastSignInAt, prefs)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {users.length === 0 ? <Text>No accounts match your search.</Text> : null}
        </>
      )}
    </Stack>
  )
}
