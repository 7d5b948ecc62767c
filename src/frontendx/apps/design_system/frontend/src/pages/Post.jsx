import { useEffect, useState } from 'react'
import { useParams } from 'react-router-dom'
import { Spinner, makeStyles, tokens } from '@fluentui/react-components'
import { api } from '../api.js'
import { formatDate } from '../i18n.js'
import { AppLink, Page, PageHeader, usePageTitle } from '../ui.jsx'

const useStyles = makeStyles({
  body: { maxWidth: '720px', fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  meta: { color: tokens.colorNeutralForeground2, marginTop: tokens.spacingVerticalS },
})

export default function Post() {
  const styles = useStyles()
  const { slug } = useParams()
  const [post, setPost] = useState(undefined)
  usePageTitle(post?.title || 'Blog')
  useEffect(() => {
    let live = true
    setPost(undefined)
    api(`/posts/${encodeURIComponent(slug)}`)
      .then((data) => live && setPost(data.post))
      .catch(() => live && setPost(null))
    return () => {
      live = false
    }
  }, [slug])

  if (post === undefined) return <Page><Spinner label="Loading post…" /></Page>
  if (post === null) {
    return (
      <Page>
        <PageHeader title="Post not found" subtitle="This post may have moved." />
        <AppLink to="/blog">Back to the blog</AppLink>
      </Page>
    )
  }
  return (
    <Page>
      <PageHeader title={post.title}>
        <p className={styles.meta}>
          <time dateTime={post.date}>{formatDate(post.date)}</time> · {post.author}
        </p>
      </PageHeader>
      <div className={styles.body}>
        {post.body.map((paragraph) => (
          <p key={paragraph}>{paragraph}</p>
        ))}
      </div>
      <AppLink to="/blog">Back to the blog</AppLink>
    </Page>
  )
}
