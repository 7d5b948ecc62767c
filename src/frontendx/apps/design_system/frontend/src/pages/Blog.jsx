import { useEffect, useState } from 'react'
import { Badge, Button, Spinner, makeStyles, tokens } from '@fluentui/react-components'
import { api } from '../api.js'
import { formatDate } from '../i18n.js'
import { AppLink, Page, PageHeader, usePageTitle } from '../ui.jsx'

const PAGE_SIZE = 5

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: tokens.spacingVerticalL, maxWidth: '820px' },
  item: {
    padding: tokens.spacingHorizontalXL,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold },
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    marginTop: tokens.spacingVerticalXS,
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
  },
  excerpt: { margin: `${tokens.spacingVerticalS} 0 0` },
  more: { marginTop: tokens.spacingVerticalXL },
  count: { color: tokens.colorNeutralForeground2, marginTop: tokens.spacingVerticalM },
})

export default function Blog() {
  const styles = useStyles()
  usePageTitle('Blog')
  const [posts, setPosts] = useState(null)
  const [total, setTotal] = useState(0)
  const [loading, setLoading] = useState(false)

  useEffect(() => {
    let live = true
    api(`/posts?offset=0&limit=${PAGE_SIZE}`).then((data) => {
      if (!live) return
      setPosts(data.posts)
      setTotal(data.total)
    })
    return () => {
      live = false
    }
  }, [])

  const loadMore = async () => {
    setLoading(true)
    try {
      const data = await api(`/posts?offset=${posts.length}&limit=${PAGE_SIZE}`)
      setPosts((current) => [...current, ...data.posts])
      setTotal(data.total)
    } finally {
      setLoading(false)
    }
  }

  return (
    <Page>
      <PageHeader title="Blog" subtitle="Release notes, design decisions and guides from the Lumen team." />
      {posts === null ? (
        <Spinner label="Loading posts…" />
      ) : (
        <>
          <ul className={styles.list} data-testid="post-list">
            {posts.map((post, index) => (
              <li key={`${post.slug}-${index}`} className={styles.item} data-testid="post-item">
                <h2 className={styles.title}>
                  <AppLink to={`/blog/${post.slug}`}>{post.title}</AppLink>
                </h2>
                <div className={styles.meta}>
                  <time dateTime={post.date}>{formatDate(post.date)}</time>
                  <span aria-hidden="true">·</span>
                  <span>{post.author}</span>
                  <Badge appearance="tint" color="informative">
                    {post.tag}
                  </Badge>
                </div>
                <p className={styles.excerpt}>{post.excerpt}</p>
              </li>
            ))}
          </ul>
          <p className={styles.count} data-testid="post-count">
            Showing {posts.length} of {total} posts
          </p>
          {posts.length < total ? (
            <Button className={styles.more} onClick={loadMore} disabled={loading}>
              Load more posts
            </Button>
          ) : null}
        </>
      )}
    </Page>
  )
}
