import { useEffect, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Badge,
  MessageBar,
  MessageBarBody,
  Spinner,
  ToggleButton,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components'
import { api } from '../api.js'
import { formatPrice, lang, t } from '../i18n.js'
import { CheckIcon } from '../icons.jsx'
import { ButtonLink, Page, PageHeader, usePageTitle } from '../ui.jsx'

const PHONE = '@media (max-width: 600px)'

const useStyles = makeStyles({
  billing: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
    marginTop: tokens.spacingVerticalL,
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    gap: tokens.spacingHorizontalL,
    alignItems: 'stretch',
    marginTop: tokens.spacingVerticalXL,
    [PHONE]: { gridTemplateColumns: 'minmax(0, 1fr)', gap: tokens.spacingVerticalL },
  },
  card: {
    position: 'relative',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalXL,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
  },
  featured: __DS_T5__
    ? {
        border: `2px solid ${tokens.colorBrandStroke1}`,
        boxShadow: tokens.shadow16,
        [PHONE]: { marginTop: '-40px' },
      }
    : { border: `2px solid ${tokens.colorBrandStroke1}`, boxShadow: tokens.shadow16 },
  popular: { alignSelf: 'flex-start' },
  popularTint: { backgroundColor: tokens.colorBrandBackground2, color: tokens.colorNeutralForegroundOnBrand },
  featuredRoomy: { '@media (min-width: 601px)': { paddingTop: '56px' } },
  popularCorner: { position: 'absolute', top: tokens.spacingVerticalL, left: tokens.spacingHorizontalXL },
  billingNote: { margin: `-${tokens.spacingVerticalS} 0 0`, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  planName: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  tagline: { margin: 0, color: tokens.colorNeutralForeground2 },
  priceRow: { display: 'flex', alignItems: 'baseline', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  price: {
    display: 'block',
    margin: 0,
    fontSize: tokens.fontSizeHero800,
    lineHeight: tokens.lineHeightHero800,
    fontWeight: tokens.fontWeightBold,
  },
  unit: { color: tokens.colorNeutralForeground2 },
  features: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gap: tokens.spacingVerticalS,
    alignContent: 'start',
    flexGrow: 1,
  },
  feature: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-start' },
  check: { color: tokens.colorPaletteGreenForeground1, flexShrink: 0, marginTop: '1px' },
  faq: { marginTop: tokens.spacingVerticalXXXL, maxWidth: '820px' },
  faqTitle: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: `0 0 ${tokens.spacingVerticalM}` },
  trial: { marginTop: tokens.spacingVerticalL },
})

function PlanCard({ plan, billing }) {
  const styles = useStyles()
  const unit = billing === 'yearly' ? t('pricing.perYear') : t('pricing.perMonth')
  return (
    <article
      className={mergeClasses(styles.card, plan.featured && styles.featured, plan.featured && __DS_T30__ && styles.featuredRoomy)}
      data-testid={`plan-${plan.id}`}
      aria-labelledby={`plan-${plan.id}-name`}
    >
      {plan.featured ? (
        <Badge
          appearance="filled"
          color="brand"
          size="large"
          className={mergeClasses(
            styles.popular,
            __DS_T29__ && styles.popularTint,
            __DS_T30__ && styles.popularCorner,
          )}
        >
          {t('pricing.popular')}
        </Badge>
      ) : null}
      <h2 id={`plan-${plan.id}-name`} className={styles.planName}>
        {plan.name}
      </h2>
      <p className={styles.tagline}>{plan.tagline}</p>
      <div className={styles.priceRow}>
        <data className={styles.price} data-testid={`price-${plan.id}`} value={plan.price.toFixed(2)}>
          {plan.price === 0 ? t('pricing.free') : formatPrice(plan.price)}
        </data>
        {plan.price === 0 ? null : <span className={styles.unit}>{unit}</span>}
      </div>
      {__DS_T28__ && plan.price !== 0 ? (
        <p className={styles.billingNote} data-testid={`plan-${plan.id}-billing-note`}>
          {billing === 'yearly' ? 'Billed once a year.' : 'Billed monthly. Cancel anytime.'}
        </p>
      ) : null}
      <ul className={styles.features} data-testid={`plan-${plan.id}-features`}>
        {plan.features.map((feature) => (
          <li key={feature} className={styles.feature}>
            <span className={styles.check}>
              <CheckIcon size={18} />
            </span>
            <span>{feature}</span>
          </li>
        ))}
      </ul>
      <ButtonLink
        to={`/contact?plan=${plan.id}`}
        appearance={plan.featured ? 'primary' : 'secondary'}
      >
        {t('pricing.choose', { plan: plan.name })}
      </ButtonLink>
    </article>
  )
}

export default function Pricing() {
  const styles = useStyles()
  usePageTitle(t('pricing.title'))
  const [params, setParams] = useSearchParams()
  const billing = params.get('billing') === 'yearly' ? 'yearly' : 'monthly'
  const trial = params.get('trial')
  const [plans, setPlans] = useState(null)
  const [faq, setFaq] = useState([])

  useEffect(() => {
    let live = true
    api(`/plans?lang=${lang}&billing=${billing}`).then((data) => live && setPlans(data.plans))
    return () => {
      live = false
    }
  }, [billing])

  useEffect(() => {
    let live = true
    api(`/faq?lang=${lang}`).then((data) => live && setFaq(data.questions))
    return () => {
      live = false
    }
  }, [])

  const choose = (value) => {
    const next = new URLSearchParams(params)
    if (value === 'yearly') next.set('billing', 'yearly')
    else next.delete('billing')
    setParams(next, { replace: true })
  }

  return (
    <Page>
      <PageHeader title={t('pricing.title')} subtitle={t('pricing.subtitle')}>
        <div className={styles.billing} role="group" aria-label={t('pricing.billing')}>
          <ToggleButton
            checked={billing === 'monthly'}
            onClick={() => choose('monthly')}
            data-testid="billing-monthly"
          >
            {t('pricing.monthly')}
          </ToggleButton>
          <ToggleButton
            checked={billing === 'yearly'}
            onClick={() => choose('yearly')}
            data-testid="billing-yearly"
          >
            {t('pricing.yearly')}
          </ToggleButton>
          <Badge appearance="tint" color="success">
            {t('pricing.save')}
          </Badge>
        </div>
        {trial === 'team' ? (
          <MessageBar intent="info" className={styles.trial}>
            <MessageBarBody>{t('pricing.trial')}</MessageBarBody>
          </MessageBar>
        ) : null}
      </PageHeader>
      {plans ? (
        <div className={styles.grid} data-billing={billing}>
          {plans.map((plan) => (
            <PlanCard key={plan.id} plan={plan} billing={billing} />
          ))}
        </div>
      ) : (
        <Spinner label={t('loading')} />
      )}
      <section className={styles.faq} aria-labelledby="faq-title">
        <h2 id="faq-title" className={styles.faqTitle}>
          {t('pricing.faq')}
        </h2>
        <Accordion collapsible>
          {faq.map((item, index) => (
            <AccordionItem key={item.question} value={index}>
              <AccordionHeader as="h3">{item.question}</AccordionHeader>
              <AccordionPanel>
                <p>{item.answer}</p>
              </AccordionPanel>
            </AccordionItem>
          ))}
        </Accordion>
      </section>
    </Page>
  )
}
