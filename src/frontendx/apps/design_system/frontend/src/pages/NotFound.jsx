import { makeStyles, tokens } from '@fluentui/react-components'
import { t } from '../i18n.js'
import { AppLink, Page, usePageTitle } from '../ui.jsx'

const useStyles = makeStyles({
  title: { fontSize: tokens.fontSizeHero800, lineHeight: tokens.lineHeightHero800, margin: 0 },
})

export default function NotFound({ title, text }) {
  const styles = useStyles()
  usePageTitle(title || t('notFound.title'))
  return (
    <Page>
      <h1 className={styles.title} data-testid="not-found">
        {title || t('notFound.title')}
      </h1>
      <p>{text || t('notFound.text')}</p>
      <AppLink to="/">{t('notFound.home')}</AppLink>
    </Page>
  )
}
