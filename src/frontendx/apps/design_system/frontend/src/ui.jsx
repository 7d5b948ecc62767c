import { Button, Link, makeStyles, tokens } from '@fluentui/react-components'
import { useEffect } from 'react'
import { useNavigate } from 'react-router-dom'

const useStyles = makeStyles({
  page: {
    width: '100%',
    maxWidth: '1120px',
    margin: '0 auto',
    padding: `${tokens.spacingVerticalXXXL} 24px`,
    '@media (max-width: 600px)': { padding: `${tokens.spacingVerticalXL} 16px` },
  },
  title: {
    fontSize: tokens.fontSizeHero800,
    lineHeight: tokens.lineHeightHero800,
    fontWeight: tokens.fontWeightBold,
    margin: 0,
    '@media (max-width: 600px)': __DS_T20__
      ? {
          fontSize: tokens.fontSizeHero700,
          lineHeight: tokens.lineHeightHero700,
          whiteSpace: 'nowrap',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
        }
      : {
          fontSize: tokens.fontSizeHero700,
          lineHeight: tokens.lineHeightHero700,
        },
  },
  subtitle: {
    margin: `${tokens.spacingVerticalS} 0 0`,
    fontSize: tokens.fontSizeBase400,
    lineHeight: tokens.lineHeightBase400,
    color: tokens.colorNeutralForeground2,
    maxWidth: '720px',
  },
  header: { marginBottom: tokens.spacingVerticalXXL },
})

function plainClick(event) {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey
}

// A Fluent link that navigates inside the app.
export function AppLink({ to, state, onClick, children, ...rest }) {
  const navigate = useNavigate()
  return (
    <Link
      href={to}
      onClick={(event) => {
        onClick?.(event)
        if (!event.defaultPrevented && plainClick(event)) {
          event.preventDefault()
          navigate(to, state === undefined ? undefined : { state })
        }
      }}
      {...rest}
    >
      {children}
    </Link>
  )
}

// A Fluent button that is a link inside the app.
export function ButtonLink({ to, children, ...rest }) {
  const navigate = useNavigate()
  return (
    <Button
      as="a"
      href={to}
      onClick={(event) => {
        if (plainClick(event)) {
          event.preventDefault()
          navigate(to)
        }
      }}
      {...rest}
    >
      {children}
    </Button>
  )
}

export function Page({ children, className }) {
  const styles = useStyles()
  return <div className={className ? `${styles.page} ${className}` : styles.page}>{children}</div>
}

export function PageHeader({ title, subtitle, children }) {
  const styles = useStyles()
  return (
    <div className={styles.header}>
      <h1 className={styles.title} data-testid="page-title">
        {title}
      </h1>
      {subtitle ? <p className={styles.subtitle}>{subtitle}</p> : null}
      {children}
    </div>
  )
}

export function usePageTitle(title) {
  useEffect(() => {
    document.title = title ? `${title} · Lumen` : 'Lumen Design System'
  }, [title])
}
