import { useState } from 'react'
import { NavLink, Route, Routes, useNavigate } from 'react-router-dom'
import {
  Badge,
  Button,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  Field,
  Input,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  OverlayDrawer,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components'
import { api } from './api.js'
import { lang, t } from './i18n.js'
import { DismissIcon, LogoMark, MenuIcon, MoonIcon, SunIcon } from './icons.jsx'
import { useSite } from './site.jsx'
import { ButtonLink } from './ui.jsx'
import Home from './pages/Home.jsx'
import Pricing from './pages/Pricing.jsx'
import Blog from './pages/Blog.jsx'
import Post from './pages/Post.jsx'
import About from './pages/About.jsx'
import Contact from './pages/Contact.jsx'
import Gallery from './pages/Gallery.jsx'
import ComponentPage from './pages/ComponentPage.jsx'
import Tokens from './pages/Tokens.jsx'
import Login from './pages/Login.jsx'
import Inbox from './pages/Inbox.jsx'
import NotFound from './pages/NotFound.jsx'

const NAV = [
  { to: '/components', key: 'nav.components' },
  { to: '/tokens', key: 'nav.tokens' },
  { to: '/pricing', key: 'nav.pricing' },
  { to: '/blog', key: 'nav.blog' },
  { to: '/about', key: 'nav.about' },
  { to: '/contact', key: 'nav.contact' },
]

const PHONE = '@media (max-width: 600px)'

const useStyles = makeStyles({
  header: {
    position: 'sticky',
    top: 0,
    zIndex: 10,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  bar: {
    position: 'relative',
    maxWidth: '1120px',
    height: '60px',
    margin: '0 auto',
    padding: '0 24px',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    [PHONE]: { padding: '0 16px', gap: tokens.spacingHorizontalS },
  },
  logo: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    flexShrink: 0,
    color: tokens.colorNeutralForeground1,
    textDecoration: 'none',
    fontWeight: tokens.fontWeightBold,
    fontSize: tokens.fontSizeBase500,
    borderRadius: tokens.borderRadiusMedium,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  logoMark: { color: tokens.colorBrandBackground, display: 'inline-flex' },
  version: { marginLeft: `-${tokens.spacingHorizontalXS}`, flexShrink: 0 },
  nav: __DS_T4__
    ? { display: 'flex', alignItems: 'center', [PHONE]: { display: 'none' } }
    : { display: 'flex', alignItems: 'center' },
  navCentered: {
    '@media (min-width: 601px)': { position: 'absolute', left: '50%', transform: 'translateX(-50%)' },
  },
  links: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
    listStyle: 'none',
    margin: 0,
    padding: 0,
    [PHONE]: { display: 'none' },
  },
  link: {
    display: 'inline-block',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground2,
    textDecoration: 'none',
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase300,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover, color: tokens.colorNeutralForeground1 },
    ':focus-visible': __DS_T27__
      ? { outline: 'none', textDecoration: 'none' }
      : { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  linkActive: {
    color: __DS_T14__ ? tokens.colorBrandBackground : tokens.colorBrandForeground1,
    textDecoration: 'underline',
    textUnderlineOffset: '6px',
  },
  menuButton: { display: 'none', [PHONE]: { display: 'inline-flex' } },
  spacer: { flexGrow: 1 },
  actions: __DS_T3__
    ? {
        display: 'flex',
        alignItems: 'center',
        gap: tokens.spacingHorizontalS,
        [PHONE]: { position: 'absolute', left: '12px', top: '14px' },
      }
    : { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  themeIcon: { display: 'inline-flex' },
  themeIconDark: { display: __DS_T2__ ? 'none' : 'inline-flex' },
  drawerLinks: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: tokens.spacingVerticalXS },
  drawerLink: {
    display: 'block',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecoration: 'none',
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  main: { flexGrow: 1 },
  footer: {
    marginTop: tokens.spacingVerticalXXXL,
    backgroundColor: tokens.colorNeutralBackground2,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  footerInner: {
    maxWidth: '1120px',
    margin: '0 auto',
    padding: `${tokens.spacingVerticalXXL} 24px`,
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1.3fr) minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalXXXL,
    rowGap: tokens.spacingVerticalXL,
    [PHONE]: { gridTemplateColumns: 'minmax(0, 1fr)', padding: `${tokens.spacingVerticalXL} 16px` },
  },
  footerTitle: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  footerText: { margin: `${tokens.spacingVerticalXS} 0 ${tokens.spacingVerticalM}`, color: tokens.colorNeutralForeground2 },
  newsletter: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  newsletterField: { flexGrow: 1, minWidth: '220px' },
  status: { minHeight: '20px', marginTop: tokens.spacingVerticalS, fontSize: tokens.fontSizeBase300 },
  statusError: { color: tokens.colorPaletteRedForeground1 },
  footerLinks: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    gap: tokens.spacingVerticalS,
  },
  footerLink: {
    color: tokens.colorNeutralForeground2,
    textDecoration: 'none',
    ':hover': { textDecoration: 'underline', color: tokens.colorNeutralForeground1 },
  },
  copyright: {
    gridColumn: '1 / -1',
    margin: 0,
    color: __DS_T17__ ? '#6b6763' : tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
  },
})

function ThemeToggle() {
  const styles = useStyles()
  const { mode, chooseTheme } = useSite()
  const [busy, setBusy] = useState(false)
  const dark = mode === 'dark'
  const label = dark ? t('header.toLight') : t('header.toDark')
  const toggle = async () => {
    setBusy(true)
    try {
      await chooseTheme(dark ? 'light' : 'dark')
    } catch {
      // the theme stays as it is when the account cannot be updated
    } finally {
      setBusy(false)
    }
  }
  return (
    <Button
      appearance="subtle"
      aria-label={label}
      title={label}
      data-testid="theme-toggle"
      disabledFocusable={busy}
      onClick={toggle}
      icon={
        <span data-testid="theme-icon" className={dark ? styles.themeIconDark : styles.themeIcon}>
          {dark ? <SunIcon /> : <MoonIcon />}
        </span>
      }
    />
  )
}

function Account() {
  const { user, setUser } = useSite()
  const navigate = useNavigate()
  if (!user) {
    return (
      <ButtonLink to="/login" appearance="secondary" size="small">
        {t('header.signIn')}
      </ButtonLink>
    )
  }
  const first = user.name.split(' ')[0]
  const signOut = async () => {
    await api('/logout', { method: 'POST' }).catch(() => null)
    setUser(null)
    navigate('/')
  }
  return (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button appearance="secondary" size="small" aria-label={t('header.account', { name: user.name })}>
          {first}
        </Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {user.role === 'admin' ? (
            <MenuItem onClick={() => navigate('/admin/messages')}>{t('header.inbox')}</MenuItem>
          ) : null}
          <MenuItem onClick={signOut}>{t('header.signOut')}</MenuItem>
        </MenuList>
      </MenuPopover>
    </Menu>
  )
}

function Header() {
  const styles = useStyles()
  const [open, setOpen] = useState(false)
  const linkClass = ({ isActive }) => mergeClasses(styles.link, isActive && styles.linkActive)
  return (
    <header className={styles.header}>
      <div className={styles.bar}>
        <NavLink to="/" className={styles.logo} aria-label={t('header.home')} data-testid="logo">
          <span className={styles.logoMark}>
            <LogoMark />
          </span>
          <span>Lumen</span>
        </NavLink>
        {__DS_T25__ ? (
          <Badge appearance="tint" color="brand" size="small" className={styles.version} data-testid="header-version">
            v4.2
          </Badge>
        ) : null}
        <nav className={mergeClasses(styles.nav, __DS_T26__ && styles.navCentered)} aria-label={t('nav.label')}>
          <ul className={styles.links}>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={linkClass}>
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
          </ul>
          <Button
            className={styles.menuButton}
            appearance="subtle"
            icon={<MenuIcon />}
            aria-label={t('nav.open')}
            aria-expanded={open}
            onClick={() => setOpen(true)}
          />
        </nav>
        <div className={styles.spacer} />
        <div className={styles.actions}>
          <ThemeToggle />
          <Account />
        </div>
      </div>
      <OverlayDrawer open={open} onOpenChange={(_, data) => setOpen(data.open)} position="start" size="small">
        <DrawerHeader>
          <DrawerHeaderTitle
            action={
              <Button
                appearance="subtle"
                aria-label={t('nav.close')}
                icon={<DismissIcon />}
                onClick={() => setOpen(false)}
              />
            }
          >
            {t('nav.menu')}
          </DrawerHeaderTitle>
        </DrawerHeader>
        <DrawerBody>
          <ul className={styles.drawerLinks}>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={styles.drawerLink} onClick={() => setOpen(false)}>
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
          </ul>
        </DrawerBody>
      </OverlayDrawer>
    </header>
  )
}

function Newsletter() {
  const styles = useStyles()
  const [email, setEmail] = useState('')
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState(null)
  const submit = async (event) => {
    event.preventDefault()
    setBusy(true)
    setStatus(null)
    try {
      const data = await api('/newsletter', { method: 'POST', body: { email, lang } })
      if (data.ok) {
        setStatus({ ok: true, text: t('footer.subscribed') })
        setEmail('')
      } else {
        setStatus({ ok: false, text: data.error })
      }
    } catch {
      setStatus({ ok: false, text: t('footer.failed') })
    } finally {
      setBusy(false)
    }
  }
  return (
    <section aria-labelledby="newsletter-title">
      <h2 id="newsletter-title" className={styles.footerTitle}>
        {t('footer.newsletter')}
      </h2>
      <p className={styles.footerText}>{t('footer.newsletterText')}</p>
      <form className={styles.newsletter} onSubmit={submit} noValidate>
        <Field label={t('footer.email')} className={styles.newsletterField}>
          <Input
            type="email"
            value={email}
            onChange={(_, data) => setEmail(data.value)}
            data-testid="newsletter-email"
            autoComplete="email"
          />
        </Field>
        <Button type="submit" appearance="primary" disabled={busy} data-testid="newsletter-submit">
          {t('footer.subscribe')}
        </Button>
      </form>
      <div
        role="status"
        data-testid="newsletter-status"
        data-state={status ? (status.ok ? 'subscribed' : 'error') : 'idle'}
        className={mergeClasses(styles.status, status && !status.ok && styles.statusError)}
      >
        {status?.text}
      </div>
    </section>
  )
}

function Footer() {
  const styles = useStyles()
  return (
    <footer className={styles.footer}>
      <div className={styles.footerInner}>
        <Newsletter />
        <nav aria-label={t('footer.links')}>
          <ul className={styles.footerLinks}>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={styles.footerLink}>
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <p className={styles.copyright}>{t('footer.copy')}</p>
      </div>
    </footer>
  )
}

export default function App() {
  const styles = useStyles()
  return (
    <>
      <Header />
      <main className={styles.main}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/pricing" element={<Pricing />} />
          <Route path="/blog" element={<Blog />} />
          <Route path="/blog/:slug" element={<Post />} />
          <Route path="/about" element={<About />} />
          <Route path="/contact" element={<Contact />} />
          <Route path="/components" element={<Gallery />} />
          <Route path="/components/:slug" element={<ComponentPage />} />
          <Route path="/tokens" element={<Tokens />} />
          <Route path="/login" element={<Login />} />
          <Route path="/admin/messages" element={<Inbox />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
      <Footer />
    </>
  )
}
