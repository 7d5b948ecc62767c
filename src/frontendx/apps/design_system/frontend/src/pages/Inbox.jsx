import { useEffect, useState } from 'react'
import {
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components'
import { api } from '../api.js'
import { formatDateTime } from '../i18n.js'
import { useSite } from '../site.jsx'
import { AppLink, Page, PageHeader, usePageTitle } from '../ui.jsx'

const useStyles = makeStyles({
  denied: { fontSize: tokens.fontSizeBase400 },
  wrap: { overflowX: 'auto' },
})

export default function Inbox() {
  const styles = useStyles()
  usePageTitle('Inbox')
  const { user } = useSite()
  const [state, setState] = useState(() => (user ? { loading: true } : { denied: true }))
  useEffect(() => {
    if (!user) {
      setState({ denied: true })
      return undefined
    }
    let live = true
    setState({ loading: true })
    api('/admin/messages')
      .then((data) => live && setState({ messages: data.messages }))
      .catch((error) => live && setState({ denied: true, status: error.status }))
    return () => {
      live = false
    }
  }, [user])

  if (state.loading) return <Page><Spinner label="Loading messages…" /></Page>
  if (state.denied) {
    return (
      <Page>
        <PageHeader title="Inbox" />
        <p className={styles.denied}>You don't have access to this page.</p>
        {user ? null : <AppLink to="/login?next=/admin/messages">Sign in as a Lumen team member</AppLink>}
      </Page>
    )
  }
  return (
    <Page>
      <PageHeader title="Inbox" subtitle={`${state.messages.length} messages from the contact form`} />
      <div className={styles.wrap} role="region" aria-label="Messages table" tabIndex={0}>
        <Table aria-label="Contact messages" data-testid="inbox">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Reference</TableHeaderCell>
              <TableHeaderCell>From</TableHeaderCell>
              <TableHeaderCell>Email</TableHeaderCell>
              <TableHeaderCell>Topic</TableHeaderCell>
              <TableHeaderCell>Received</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {state.messages.map((m) => (
              <TableRow key={m.reference}>
                <TableCell>{m.reference}</TableCell>
                <TableCell>{m.name}</TableCell>
                <TableCell>{m.email}</TableCell>
                <TableCell>{m.topic}</TableCell>
                <TableCell>{formatDateTime(m.receivedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </Page>
  )
}
