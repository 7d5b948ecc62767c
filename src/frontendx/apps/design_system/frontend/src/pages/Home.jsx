import { useEffect, useState } from 'react'
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components'
import { api } from '../api.js'
import { t } from '../i18n.js'
import { AccessibilityIcon, ArrowRightIcon, DevicesIcon, PaletteIcon, ThemeIcon } from '../icons.jsx'
import { ButtonLink, Page, usePageTitle } from '../ui.jsx'

const FEATURES = [
  { id: 'tokens', icon: PaletteIcon },
  { id: 'a11y', icon: AccessibilityIcon },
  { id: 'themes', icon: ThemeIcon },
  { id: 'responsive', icon: DevicesIcon },
]

const ICON_SIZE = '40px'

const useStyles = makeStyles({
  hero: {
    padding: `72px 24px ${tokens.spacingVerticalXXXL}`,
    maxWidth: '1120px',
    margin: '0 auto',
    '@media (max-width: 600px)': { padding: `${tokens.spacingVerticalXXXL} 16px ${tokens.spacingVerticalXL}` },
  },
  title: {
    margin: 0,
    maxWidth: '760px',
    fontSize: tokens.fontSizeHero900,
    lineHeight: tokens.lineHeightHero900,
    fontWeight: tokens.fontWeightBold,
    '@media (max-width: 600px)': { fontSize: tokens.fontSizeHero800, lineHeight: tokens.lineHeightHero800 },
  },
  subtitle: {
    margin: `${tokens.spacingVerticalL} 0 0`,
    maxWidth: '640px',
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    color: __DS_T1__ ? '#616161' : tokens.colorNeutralForeground3,
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    marginTop: tokens.spacingVerticalXXL,
  },
  cta: __DS_T6__
    ? { width: '176px', whiteSpace: 'nowrap', justifyContent: 'flex-start', overflow: 'visible' }
    : { minWidth: '160px' },
  secondaryCta: {
    ':hover': { backgroundColor: tokens.colorBrandBackground, color: tokens.colorNeutralForeground1 },
  },
  section: { paddingTop: 0, paddingBottom: 0 },
  sectionTitle: {
    margin: `0 0 ${tokens.spacingVerticalL}`,
    fontSize: tokens.fontSizeBase600,
    lineHeight: tokens.lineHeightBase600,
    fontWeight: tokens.fontWeightSemibold,
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: __DS_T39__ ? 'repeat(4, minmax(230px, 1fr))' : 'repeat(auto-fit, minmax(230px, 1fr))',
    gap: tokens.spacingHorizontalL,
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  card: {
    position: 'relative',
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXL}`,
    paddingTop: __DS_T11__
      ? tokens.spacingVerticalXXL
      : `calc(${tokens.spacingVerticalXXL} + ${ICON_SIZE} + ${tokens.spacingVerticalM})`,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  icon: {
    position: 'absolute',
    top: tokens.spacingVerticalXXL,
    left: tokens.spacingHorizontalXL,
    width: ICON_SIZE,
    height: ICON_SIZE,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
  },
  cardTitle: {
    margin: 0,
    fontSize: tokens.fontSizeBase400,
    lineHeight: tokens.lineHeightBase400,
    fontWeight: tokens.fontWeightSemibold,
  },
  cardText: { margin: `${tokens.spacingVerticalS} 0 0`, color: tokens.colorNeutralForeground2 },
  final: {
    marginTop: tokens.spacingVerticalXXXL,
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXXL}`,
    borderRadius: tokens.borderRadiusXLarge,
    backgroundColor: tokens.colorBrandBackground2,
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalL,
  },
  finalText: { margin: `${tokens.spacingVerticalXS} 0 0`, color: tokens.colorNeutralForeground2 },
})

export default function Home() {
  const styles = useStyles()
  usePageTitle(null)
  const [cta, setCta] = useState(null)
  useEffect(() => {
    let live = true
    api('/experiments')
      .then((data) => live && setCta(data.heroCta))
      .catch(() => live && setCta({ kind: 'start', href: '/components' }))
    return () => {
      live = false
    }
  }, [])
  return (
    <>
      <section className={styles.hero} data-testid="hero" aria-labelledby="hero-title">
        <h1 id="hero-title" className={styles.title} data-testid="hero-title">
          {t('home.title')}
        </h1>
        <p className={styles.subtitle} data-testid="hero-subtitle">
          {t('home.subtitle')}
        </p>
        <div className={styles.actions}>
          {cta ? (
            <ButtonLink
              to={cta.href}
              appearance="primary"
              size="large"
              className={styles.cta}
              data-testid="hero-primary"
              {...(__DS_T22__ ? { icon: <ArrowRightIcon />, iconPosition: 'after' } : {})}
            >
              <span data-testid="hero-primary-label">{t(`home.cta.${cta.kind}`)}</span>
            </ButtonLink>
          ) : null}
          <ButtonLink
            to="/pricing"
            appearance="secondary"
            size="large"
            className={mergeClasses(styles.cta, __DS_T23__ && styles.secondaryCta)}
            data-testid="hero-secondary"
          >
            {t('home.cta.pricing')}
          </ButtonLink>
        </div>
      </section>
      <Page className={styles.section}>
        <section aria-labelledby="features-title">
          <h2 id="features-title" className={styles.sectionTitle}>
            {t('home.features')}
          </h2>
          <ul className={styles.grid}>
            {FEATURES.map(({ id, icon: Icon }) => (
              <li key={id} className={styles.card} data-testid={`feature-${id}`}>
                <span className={styles.icon} data-testid={`feature-icon-${id}`}>
                  <Icon size={22} />
                </span>
                <h3 className={styles.cardTitle} data-testid={`feature-title-${id}`}>
                  {t(`home.f.${id}.title`)}
                </h3>
                <p className={styles.cardText}>{t(`home.f.${id}.text`)}</p>
              </li>
            ))}
          </ul>
        </section>
        <section className={styles.final} aria-labelledby="final-title">
          <div>
            <h2 id="final-title" className={styles.sectionTitle} style={{ margin: 0 }}>
              {t('home.final.title')}
            </h2>
            <p className={styles.finalText}>{t('home.final.text')}</p>
          </div>
          <ButtonLink
            to="/components"
            appearance="primary"
            size="large"
            {...(__DS_T22__ ? { icon: <ArrowRightIcon />, iconPosition: 'after' } : {})}
          >
            {t('home.final.button')}
          </ButtonLink>
        </section>
      </Page>
    </>
  )
}
