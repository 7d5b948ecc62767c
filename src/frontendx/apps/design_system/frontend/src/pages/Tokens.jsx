import {
  Badge,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components'
import { useSite } from '../site.jsx'
import { Page, PageHeader, usePageTitle } from '../ui.jsx'

const COLOUR = [
  'colorNeutralForeground1',
  'colorNeutralForeground2',
  'colorNeutralForeground3',
  'colorNeutralForegroundDisabled',
  'colorNeutralBackground1',
  'colorNeutralBackground2',
  'colorNeutralBackground3',
  'colorNeutralStroke1',
  'colorNeutralStroke2',
  'colorBrandBackground',
  'colorBrandBackgroundHover',
  'colorBrandBackground2',
  'colorBrandForeground1',
  'colorBrandForeground2',
  'colorBrandForegroundLink',
  'colorBrandStroke1',
  'colorStrokeFocus2',
  'colorPaletteRedForeground1',
  'colorPaletteRedBackground2',
  'colorPaletteGreenForeground1',
  'colorPaletteGreenBackground2',
  'colorPaletteYellowBackground2',
]

const SIZES = ['None', 'XXS', 'XS', 'SNudge', 'S', 'MNudge', 'M', 'L', 'XL', 'XXL', 'XXXL']
const SPACING = [
  ...SIZES.map((s) => `spacingHorizontal${s}`),
  ...SIZES.map((s) => `spacingVertical${s}`),
]

const TYPE = [
  'fontFamilyBase',
  'fontFamilyMonospace',
  ...['100', '200', '300', '400', '500', '600'].map((n) => `fontSizeBase${n}`),
  ...['700', '800', '900', '1000'].map((n) => `fontSizeHero${n}`),
  ...['100', '200', '300', '400', '500', '600'].map((n) => `lineHeightBase${n}`),
  'fontWeightRegular',
  'fontWeightMedium',
  'fontWeightSemibold',
  'fontWeightBold',
]

const RADIUS = ['borderRadiusSmall', 'borderRadiusMedium', 'borderRadiusLarge', 'borderRadiusXLarge', 'borderRadiusCircular']

const useStyles = makeStyles({
  section: { marginBottom: tokens.spacingVerticalXXXL },
  sectionTitle: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: `0 0 ${tokens.spacingVerticalM}` },
  wrap: { overflowX: 'auto' },
  table: { minWidth: '520px' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-word' },
  swatch: {
    display: 'inline-block',
    width: '28px',
    height: '20px',
    borderRadius: tokens.borderRadiusSmall,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    verticalAlign: 'middle',
  },
  bar: { display: 'inline-block', height: '12px', backgroundColor: tokens.colorBrandBackground, borderRadius: '2px', verticalAlign: 'middle' },
  note: { marginLeft: tokens.spacingHorizontalS },
})

function TokenSection({ id, title, names, preview }) {
  const styles = useStyles()
  const { theme, tokenData, mode } = useSite()
  const overridden = tokenData?.[mode] || {}
  return (
    <section className={styles.section} aria-labelledby={`${id}-title`} data-testid={`tokens-${id}`}>
      <h2 id={`${id}-title`} className={styles.sectionTitle}>
        {title}
      </h2>
      <div className={styles.wrap} role="region" aria-label={`${title} token values`} tabIndex={0}>
        <Table className={styles.table} size="small" aria-label={`${title} tokens`}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Token</TableHeaderCell>
              <TableHeaderCell>Preview</TableHeaderCell>
              <TableHeaderCell>Value</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {names.map((name) => (
              <TableRow key={name}>
                <TableCell className={styles.mono}>
                  {name}
                  {name in overridden ? (
                    <Badge className={styles.note} appearance="tint" color="brand" size="small">
                      Lumen
                    </Badge>
                  ) : null}
                </TableCell>
                <TableCell>{preview(theme[name])}</TableCell>
                <TableCell className={styles.mono} data-testid={`token-${name}`}>
                  {String(theme[name])}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  )
}

export default function Tokens() {
  const styles = useStyles()
  usePageTitle('Design tokens')
  const { mode } = useSite()
  return (
    <Page>
      <PageHeader
        title="Design tokens"
        subtitle={`The named values every Lumen component is built from, as they resolve in the current ${mode} theme. Tokens marked Lumen override the base Fluent theme.`}
      />
      <TokenSection
        id="colour"
        title="Colour"
        names={COLOUR}
        preview={(value) => <span className={styles.swatch} style={{ backgroundColor: value }} />}
      />
      <TokenSection
        id="spacing"
        title="Spacing"
        names={SPACING}
        preview={(value) => <span className={styles.bar} style={{ width: value === '0' ? '1px' : value }} />}
      />
      <TokenSection id="type" title="Typography" names={TYPE} preview={() => null} />
      <TokenSection
        id="radius"
        title="Corner radius"
        names={RADIUS}
        preview={(value) => (
          <span className={styles.swatch} style={{ borderRadius: value, backgroundColor: 'transparent' }} />
        )}
      />
    </Page>
  )
}
