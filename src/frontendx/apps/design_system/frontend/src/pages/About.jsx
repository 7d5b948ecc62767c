import { useEffect, useState } from 'react'
import { Spinner, makeStyles, tokens } from '@fluentui/react-components'
import { api } from '../api.js'
import { Page, PageHeader, usePageTitle } from '../ui.jsx'

const useStyles = makeStyles({
  text: { maxWidth: '720px', fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  teamTitle: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalXXL} 0 ${tokens.spacingVerticalL}` },
  team: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  member: {
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    textAlign: 'center',
  },
  photo: { width: '96px', height: '96px', borderRadius: '50%', display: 'block', margin: '0 auto' },
  name: { margin: `${tokens.spacingVerticalM} 0 0`, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  role: { margin: `${tokens.spacingVerticalXXS} 0 0`, color: tokens.colorNeutralForeground2 },
})

export default function About() {
  const styles = useStyles()
  usePageTitle('About')
  const [team, setTeam] = useState(null)
  useEffect(() => {
    let live = true
    api('/team').then((data) => live && setTeam(data.members))
    return () => {
      live = false
    }
  }, [])
  return (
    <Page>
      <PageHeader title="About Lumen" subtitle="We build the design system we always wanted to use." />
      <div className={styles.text}>
        <p>
          Lumen started in 2021 as the internal design system of a small product studio. Today it
          powers the interfaces of more than 400 teams, from two-person start-ups to public-sector
          services.
        </p>
        <p>
          Everything in Lumen is built on design tokens: the same named values for colour, spacing
          and type are used in our design files and in code, so a change to the brand colour or the
          spacing scale reaches every component at once.
        </p>
      </div>
      <h2 className={styles.teamTitle}>Our team</h2>
      {team === null ? (
        <Spinner label="Loading team…" />
      ) : (
        <ul className={styles.team} data-testid="team">
          {team.map((member) => (
            <li key={member.id} className={styles.member}>
              <img className={styles.photo} src={member.photo} alt={member.photoAlt} width="96" height="96" />
              <p className={styles.name}>{member.name}</p>
              <p className={styles.role}>{member.role}</p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  )
}
