import { useEffect, useState } from 'react'
import { Badge, Field, Input, Spinner, makeStyles, tokens } from '@fluentui/react-components'
import { api } from '../api.js'
import { knownComponentList } from '../site.jsx'
import { AppLink, Page, PageHeader, usePageTitle } from '../ui.jsx'

const useStyles = makeStyles({
  search: { maxWidth: '420px' },
  count: { margin: `${tokens.spacingVerticalL} 0`, color: tokens.colorNeutralForeground2 },
  grid: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  name: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  summary: { margin: 0, color: tokens.colorNeutralForeground2 },
})

export default function Gallery() {
  const styles = useStyles()
  usePageTitle('Components')
  const [query, setQuery] = useState('')
  const [results, setResults] = useState(knownComponentList)

  useEffect(() => {
    let current = true
    api(`/components?q=${encodeURIComponent(query.trim())}`).then((data) => {
      if (current) setResults(data.components)
    })
    return () => {
      current = false
    }
  }, [query])

  return (
    <Page>
      <PageHeader
        title="Components"
        subtitle="Every Lumen component with its variants, the design tokens it uses and its accessibility notes."
      />
      <Field label="Filter components" className={styles.search}>
        <Input type="search" value={query} onChange={(_, data) => setQuery(data.value)} />
      </Field>
      {results === null ? (
        <Spinner label="Loading components…" />
      ) : (
        <>
          <p className={styles.count} role="status" data-testid="component-count">
            {results.length === 1 ? '1 component' : `${results.length} components`}
          </p>
          <ul className={styles.grid}>
            {results.map((c) => (
              <li key={c.slug} className={styles.card} data-testid="component-card">
                <h2 className={styles.name}>
                  <AppLink to={`/components/${c.slug}`} state={{ component: c }}>
                    {c.name}
                  </AppLink>
                </h2>
                <p className={styles.summary}>{c.summary}</p>
                <div>
                  <Badge appearance="tint" color="informative">
                    {c.category}
                  </Badge>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  )
}
