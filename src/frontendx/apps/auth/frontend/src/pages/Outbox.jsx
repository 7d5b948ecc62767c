import { useEffect, useState } from 'react'
import { Link } from 'react-router-dom'
import { Anchor, Box, Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { api } from '../api.js'
import { useAuth } from '../auth.jsx'
import { formatDateTime } from '../format.js'
import { Loading, PageTitle, usePageBusy } from '../ui.jsx'

function CopyLink({ url }) {
  const [copied, setCopied] = useState(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url)
      setCopied('Copied')
    } catch {
      setCopied('Copy failed')
    }
    setTimeout(() => setCopied(null), 1500)
  }
  return (
    <Button
      size="xs"
      variant="default"
      onClick={copy}
      pos="absolute"
      top={7}
      right={6}
    >
      {copied || 'Copy link'}
    </Button>
  )
}

function Email({ email, prefs }) {
  const url = email.link ? `${window.location.origin}${email.link}` : null
  return (
    <Paper withBorder p="md" component="article" aria-labelledby={`email-${email.id}`}>
      <Group justify="space-between" align="flex-start" gap="xs" mb={4}>
        <Title order={2} fz="md" id={`email-${email.id}`} data-testid="email-subject">
          {email.subject}
        </Title>
        <Text fz="sm" c="dimmed" data-testid="email-sent">
          {formatDateTime(email.sentAt, prefs)}
        </Text>
      </Group>
      <Text fz="sm" mb="xs">
        To <strong data-testid="email-to">{email.to}</strong>
      </Text>
      <Text fz="sm">{email.body}</Text>
      {email.code && __AUTH_T14__ ? (
        <Text fz="xs" fw={600} tt="uppercase" c="dimmed" mt="sm" mb={-8}>
          Code to enter
        </Text>
      ) : null}
      {email.code ? (
        <Code
          data-testid="email-code"
          block={false}
          fz="xl"
          fw={700}
          mt="sm"
          px={__AUTH_T14__ ? 'lg' : 'md'}
          py={__AUTH_T14__ ? 10 : 6}
          style={{
            display: 'inline-block',
            ...(__AUTH_T14__ ? { borderRadius: 8 } : {}),
            letterSpacing: '0.25em',
            ...(__AUTH_T7__
              ? { color: '#3b4358', background: 'var(--mantine-color-default)' }
              : { color: 'var(--mantine-color-text)', background: 'var(--mantine-color-default)' }),
          }}
        >
          {email.code}
        </Code>
      ) : null}
      {url ? (
        <Box
          mt="sm"
          pos="relative"
          py={8}
          pl={12}
          pr={__AUTH_T9__ ? 12 : 110}
          mih={44}
          style={{
            border: '1px solid var(--mantine-color-default-border)',
            borderRadius: 6,
            fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
            wordBreak: 'break-all',
          }}
        >
          <Anchor component={Link} to={email.link} fz={13} ff="inherit" data-testid="email-link">
            {url}
          </Anchor>
          <CopyLink url={url} />
        </Box>
      ) : null}
    </Paper>
  )
}

export default function Outbox() {
  const { user } = useAuth()
  const [emails, setEmails] = useState(null)
  const [failed, setFailed] = useState(false)
  usePageBusy(emails === null && !failed)

  useEffect(() => {
    let live = true
    api('/outbox')
      .then((data) => live && setEmails(data.emails))
      .catch(() => live && setFailed(true))
    return () => {
      live = false
    }
  }, [])

  return (
    <Stack gap="md" maw={640} mx="auto">
      <div>
        <PageTitle mb={4}>Outbox</PageTitle>
        <Text>Every email the portal sends ends up here, newest first.</Text>
      </div>
      {failed ? <Text>The outbox could not be loaded.</Text> : null}
      {!emails && !failed ? <Loading label="Loading emails" /> : null}
      {emails && emails.length === 0 ? <Text>No emails yet.</Text> : null}
      {emails ? (
        <Stack gap="sm" data-testid="outbox-list">
          {emails.map((email) => (
            <Email key={email.id} email={email} prefs={user?.prefs} />
          ))}
        </Stack>
      ) : null}
    </Stack>
  )
}
