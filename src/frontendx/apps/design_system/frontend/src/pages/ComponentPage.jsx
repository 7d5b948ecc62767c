import { useEffect, useState } from 'react'
import { useLocation, useParams } from 'react-router-dom'
import {
  Badge,
  Button,
  Spinner,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components'
import { api } from '../api.js'
import { CopyIcon } from '../icons.jsx'
import { useComponentList, useSite } from '../site.jsx'
import { AppLink, Page, PageHeader, usePageTitle } from '../ui.jsx'
import { DEMOS } from './demos.jsx'
import NotFound from './NotFound.jsx'

const TABS = [
  { value: 'examples', label: 'Examples' },
  { value: 'tokens', label: 'Design tokens' },
  { value: 'accessibility', label: 'Accessibility' },
]

const useStyles = makeStyles({
  meta: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalM, flexWrap: 'wrap' },
  metaText: { color: tokens.colorNeutralForeground2 },
  panel: { marginTop: tokens.spacingVerticalL },
  segmented: {
    display: 'inline-flex',
    gap: tokens.spacingHorizontalXXS,
    padding: tokens.spacingHorizontalXXS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  segment: {
    border: 'none',
    cursor: 'pointer',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: 'transparent',
    color: tokens.colorNeutralForeground1,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    fontWeight: tokens.fontWeightSemibold,
  },
  segmentActive: { backgroundColor: tokens.colorNeutralBackground1, boxShadow: tokens.shadow2 },
  tabCount: { marginLeft: tokens.spacingHorizontalXS },
  tabLabel: {
    '@media (max-width: 600px)': {
      display: 'inline-block',
      maxWidth: '64px',
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      verticalAlign: 'bottom',
    },
  },
  swatch: {
    display: 'inline-block',
    width: '20px',
    height: '20px',
    borderRadius: tokens.borderRadiusSmall,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    verticalAlign: 'middle',
    marginRight: tokens.spacingHorizontalS,
  },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  usage: { marginTop: tokens.spacingVerticalXXXL },
  usageTitle: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, margin: `0 0 ${tokens.spacingVerticalM}` },
  codeWrap: { position: 'relative', maxWidth: '860px' },
  code: {
    margin: 0,
    padding: `${tokens.spacingVerticalL} 56px ${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: __DS_T34__ ? '#1b1b1f' : tokens.colorNeutralBackground3,
    color: __DS_T34__ ? '#ffffff' : tokens.colorNeutralForeground1,
    ...(__DS_T35__ ? { ':focus-visible': { outline: 'none' } } : {}),
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase300,
    overflowX: 'auto',
  },
  copy: __DS_T34__
    ? { position: 'absolute', top: tokens.spacingVerticalS, right: tokens.spacingHorizontalS, color: '#ffffff' }
    : { position: 'absolute', top: tokens.spacingVerticalS, right: tokens.spacingHorizontalS },
  copied: { minHeight: '20px', marginTop: tokens.spacingVerticalXS, color: tokens.colorNeutralForeground2 },
  notes: { maxWidth: '760px', paddingLeft: '20px', lineHeight: tokens.lineHeightBase400 },
  tableWrap: { overflowX: 'auto', maxWidth: '860px' },
})

function Tabs({ tab, setTab, counts }) {
  const styles = useStyles()
  if (__DS_T9__) {
    return (
      <div className={styles.segmented}>
        {TABS.map((item) => (
          <button
            key={item.value}
            id={`tab-${item.value}`}
            type="button"
            className={mergeClasses(styles.segment, tab === item.value && styles.segmentActive)}
            onClick={() => setTab(item.value)}
          >
            {item.label}
          </button>
        ))}
      </div>
    )
  }
  return (
    <TabList selectedValue={tab} onTabSelect={(_, data) => setTab(data.value)} aria-label="Component details">
      {TABS.map((item) => (
        <Tab key={item.value} id={`tab-${item.value}`} value={item.value}>
          {__DS_T32__ ? <span className={styles.tabLabel}>{item.label}</span> : item.label}
          {__DS_T31__ && counts?.[item.value] !== undefined ? (
            <Badge
              appearance="tint"
              color="informative"
              size="small"
              className={styles.tabCount}
              data-testid={`tab-count-${item.value}`}
            >
              {counts[item.value]}
            </Badge>
          ) : null}
        </Tab>
      ))}
    </TabList>
  )
}

function TokenTable({ names }) {
  const styles = useStyles()
  const { theme } = useSite()
  return (
    <div className={styles.tableWrap} role="region" aria-label="Token values" tabIndex={0}>
      <Table aria-label="Design tokens used by this component" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Token</TableHeaderCell>
            <TableHeaderCell>Value in the current theme</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {names.map((name) => {
            const value = theme[name]
            return (
              <TableRow key={name}>
                <TableCell className={styles.mono}>{name}</TableCell>
                <TableCell className={styles.mono}>
                  {name.startsWith('color') ? (
                    <span className={styles.swatch} style={{ backgroundColor: value }} />
                  ) : null}
                  {String(value)}
                </TableCell>
              </TableRow>
            )
          })}
        </TableBody>
      </Table>
    </div>
  )
}

function Usage({ code }) {
  const styles = useStyles()
  const [copied, setCopied] = useState(false)
  const copy = () => {
    const done = () => setCopied(true)
    try {
      navigator.clipboard.writeText(code).then(done, done)
    } catch {
      done()
    }
  }
  return (
    <section className={styles.usage} aria-labelledby="usage-title">
      <h2 id="usage-title" className={styles.usageTitle}>
        Usage
      </h2>
      <div className={styles.codeWrap}>
        <pre className={styles.code} data-testid="usage-code" tabIndex={0}>
          <code>{code}</code>
        </pre>
        <Button
          className={styles.copy}
          appearance="subtle"
          icon={<CopyIcon />}
          onClick={copy}
          data-testid="copy-code"
          {...(__DS_T10__ ? {} : { 'aria-label': 'Copy code', title: 'Copy code' })}
        />
      </div>
      <div className={styles.copied} role="status">
        {copied ? 'Code copied to the clipboard.' : ''}
      </div>
    </section>
  )
}

function Detail({ entry }) {
  const styles = useStyles()
  const [component, setComponent] = useState(null)
  const [tab, setTab] = useState('examples')
  usePageTitle(entry.name)
  useEffect(() => {
    let live = true
    setComponent(null)
    setTab('examples')
    api(`/components/${entry.slug}`).then((data) => live && setComponent(data.component))
    return () => {
      live = false
    }
  }, [entry.slug])

  if (!component) {
    return (
      <Page>
        <PageHeader title={entry.name} subtitle={entry.summary} />
        <Spinner label="Loading examples…" />
      </Page>
    )
  }
  const Demo = DEMOS[component.slug]
  return (
    <Page>
      <PageHeader title={component.name} subtitle={component.summary}>
        <div className={styles.meta}>
          <Badge appearance="tint" color="informative">
            {component.category}
          </Badge>
          <span className={styles.metaText} data-testid="token-count">
            Uses {component.tokens.length} design tokens
          </span>
        </div>
      </PageHeader>
      <Tabs tab={tab} setTab={setTab} counts={{ tokens: component.tokens.length }} />
      <div className={styles.panel} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'examples' ? Demo ? <Demo /> : null : null}
        {tab === 'tokens' ? <TokenTable names={component.tokens} /> : null}
        {tab === 'accessibility' ? (
          <ul className={styles.notes}>
            {component.accessibility.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <Usage code={component.usage} />
      <p>
        <AppLink to="/components">All components</AppLink>
      </p>
    </Page>
  )
}

export default function ComponentPage() {
  const { slug } = useParams()
  const location = useLocation()
  const { list, failed } = useComponentList()
  const entry = __DS_T8__
    ? location.state?.component ?? list?.find((c) => c.name.toLowerCase() === slug)
    : list?.find((c) => c.slug === slug)

  if (entry) return <Detail key={entry.slug} entry={entry} />
  if (list === null && !failed) {
    return (
      <Page>
        <Spinner label="Loading…" />
      </Page>
    )
  }
  return <NotFound title="Component not found" text="There is no component at this address." />
}
