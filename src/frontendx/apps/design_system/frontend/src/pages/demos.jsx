import { useEffect, useState } from 'react'
import {
  Avatar,
  AvatarGroup,
  AvatarGroupItem,
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardFooter,
  CardHeader,
  CardPreview,
  Checkbox,
  CounterBadge,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  Input,
  Menu,
  MenuDivider,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  PresenceBadge,
  ProgressBar,
  Radio,
  RadioGroup,
  Select,
  Spinner,
  Switch,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Toast,
  ToastBody,
  ToastTitle,
  Toaster,
  Tooltip,
  makeStyles,
  tokens,
  useId,
  useToastController,
} from '@fluentui/react-components'
import { api } from '../api.js'
import { formatDate } from '../i18n.js'
import { AddIcon, MailIcon } from '../icons.jsx'

const useStyles = makeStyles({
  variants: { display: 'grid', gap: tokens.spacingVerticalL },
  variant: {
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  variantTitle: { margin: `0 0 ${tokens.spacingVerticalM}`, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  column: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '360px' },
  card: { maxWidth: '360px' },
  cardPreview: {
    height: '120px',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontSize: tokens.fontSizeBase500,
    fontWeight: tokens.fontWeightSemibold,
  },
  tableWrap: { overflowX: 'auto' },
  sort: { maxWidth: '240px', marginBottom: tokens.spacingVerticalM },
  vertical: { display: 'flex', gap: tokens.spacingHorizontalXXL, flexWrap: 'wrap' },
})

function Variant({ title, children }) {
  const styles = useStyles()
  return (
    <section className={styles.variant} aria-label={title}>
      <h3 className={styles.variantTitle}>{title}</h3>
      {children}
    </section>
  )
}

function Variants({ children }) {
  const styles = useStyles()
  return <div className={styles.variants}>{children}</div>
}

function ButtonDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Appearance">
        <div className={styles.row}>
          <Button appearance="primary">Primary</Button>
          <Button>Secondary</Button>
          <Button appearance="outline">Outline</Button>
          <Button appearance="subtle">Subtle</Button>
          <Button appearance="transparent">Transparent</Button>
        </div>
      </Variant>
      <Variant title="Size">
        <div className={styles.row}>
          <Button size="small">Small</Button>
          <Button size="medium">Medium</Button>
          <Button size="large">Large</Button>
        </div>
      </Variant>
      <Variant title="With an icon">
        <div className={styles.row}>
          <Button icon={<AddIcon />}>New project</Button>
          <Button appearance="primary" icon={<MailIcon />}>
            Send invite
          </Button>
          <Button icon={<AddIcon />} aria-label="Add item" title="Add item" />
        </div>
      </Variant>
      <Variant title="Disabled">
        <div className={styles.row}>
          <Button disabled>Disabled</Button>
          <Button appearance="primary" disabledFocusable>
            Disabled but focusable
          </Button>
        </div>
      </Variant>
    </Variants>
  )
}

function InputDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Default">
        <div className={styles.column}>
          <Field label="Full name">
            <Input />
          </Field>
          <Field label="Search the docs">
            <Input placeholder="Type a component name" />
          </Field>
        </div>
      </Variant>
      <Variant title="Appearance">
        <div className={styles.column}>
          <Field label="Outline">
            <Input appearance="outline" />
          </Field>
          <Field label="Underline">
            <Input appearance="underline" />
          </Field>
          <Field label="Filled">
            <Input appearance="filled-darker" />
          </Field>
        </div>
      </Variant>
      <Variant title="Validation and states">
        <div className={styles.column}>
          <Field label="Workspace URL" validationState="error" validationMessage="This address is already taken.">
            <Input defaultValue="acme" />
          </Field>
          <Field label="Email" validationState="success" validationMessage="Looks good.">
            <Input defaultValue="ana@example.com" />
          </Field>
          <Field label="Disabled">
            <Input disabled defaultValue="Read only" />
          </Field>
        </div>
      </Variant>
    </Variants>
  )
}

function CheckboxDemo() {
  const styles = useStyles()
  const [checked, setChecked] = useState(true)
  return (
    <Variants>
      <Variant title="States">
        <div className={styles.column}>
          <Checkbox label="Checked" checked={checked} onChange={(_, d) => setChecked(Boolean(d.checked))} />
          <Checkbox label="Unchecked" />
          <Checkbox label="Mixed" checked="mixed" />
          <Checkbox label="Disabled" disabled />
        </div>
      </Variant>
      <Variant title="Shape and size">
        <div className={styles.row}>
          <Checkbox label="Circular" shape="circular" defaultChecked />
          <Checkbox label="Large" size="large" />
        </div>
      </Variant>
    </Variants>
  )
}

function SwitchDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="States">
        <div className={styles.column}>
          <Switch label="Notifications" defaultChecked />
          <Switch label="Auto-save" />
          <Switch label="Disabled" disabled />
        </div>
      </Variant>
      <Variant title="Label position">
        <div className={styles.column}>
          <Switch label="Label before" labelPosition="before" />
          <Switch label="Label above" labelPosition="above" />
        </div>
      </Variant>
    </Variants>
  )
}

function RadioGroupDemo() {
  return (
    <Variants>
      <Variant title="Vertical">
        <Field label="Density">
          <RadioGroup defaultValue="comfortable">
            <Radio value="compact" label="Compact" />
            <Radio value="comfortable" label="Comfortable" />
            <Radio value="spacious" label="Spacious" />
          </RadioGroup>
        </Field>
      </Variant>
      <Variant title="Horizontal">
        <Field label="Theme">
          <RadioGroup layout="horizontal" defaultValue="system">
            <Radio value="light" label="Light" />
            <Radio value="dark" label="Dark" />
            <Radio value="system" label="System" />
          </RadioGroup>
        </Field>
      </Variant>
    </Variants>
  )
}

function TabsDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Horizontal">
        <TabList defaultSelectedValue="overview" aria-label="Project sections">
          <Tab value="overview">Overview</Tab>
          <Tab value="activity">Activity</Tab>
          <Tab value="settings">Settings</Tab>
        </TabList>
      </Variant>
      <Variant title="Subtle and small">
        <TabList defaultSelectedValue="week" appearance="subtle" size="small" aria-label="Time range">
          <Tab value="day">Day</Tab>
          <Tab value="week">Week</Tab>
          <Tab value="month">Month</Tab>
        </TabList>
      </Variant>
      <Variant title="Vertical">
        <div className={styles.vertical}>
          <TabList defaultSelectedValue="profile" vertical aria-label="Account settings">
            <Tab value="profile">Profile</Tab>
            <Tab value="security">Security</Tab>
            <Tab value="billing">Billing</Tab>
          </TabList>
        </div>
      </Variant>
    </Variants>
  )
}

function DialogDemo() {
  return (
    <Variants>
      <Variant title="Confirmation">
        <Dialog>
          <DialogTrigger disableButtonEnhancement>
            <Button>Open dialog</Button>
          </DialogTrigger>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>Archive this project?</DialogTitle>
              <DialogContent>Archived projects are read-only. You can restore them at any time.</DialogContent>
              <DialogActions>
                <DialogTrigger disableButtonEnhancement>
                  <Button appearance="secondary">Cancel</Button>
                </DialogTrigger>
                <DialogTrigger disableButtonEnhancement>
                  <Button appearance="primary">Archive</Button>
                </DialogTrigger>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      </Variant>
    </Variants>
  )
}

function TooltipDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Description and label">
        <div className={styles.row}>
          <Tooltip content="Saves a copy of the theme as JSON" relationship="description">
            <Button>Export theme</Button>
          </Tooltip>
          <Tooltip content="Add a token" relationship="label">
            <Button icon={<AddIcon />} />
          </Tooltip>
        </div>
      </Variant>
      <Variant title="Position">
        <div className={styles.row}>
          <Tooltip content="Shown below" relationship="description" positioning="below">
            <Button appearance="outline">Below</Button>
          </Tooltip>
          <Tooltip content="Shown after" relationship="description" positioning="after" withArrow>
            <Button appearance="outline">After, with arrow</Button>
          </Tooltip>
        </div>
      </Variant>
    </Variants>
  )
}

function MenuDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Actions menu">
        <div className={styles.row}>
          <Menu>
            <MenuTrigger disableButtonEnhancement>
              <Button>Project actions</Button>
            </MenuTrigger>
            <MenuPopover>
              <MenuList>
                <MenuItem>Rename</MenuItem>
                <MenuItem>Duplicate</MenuItem>
                <MenuDivider />
                <MenuItem>Archive</MenuItem>
              </MenuList>
            </MenuPopover>
          </Menu>
        </div>
      </Variant>
    </Variants>
  )
}

function TableDemo() {
  const styles = useStyles()
  const [sort, setSort] = useState('name')
  const [rows, setRows] = useState(null)
  useEffect(() => {
    let live = true
    api(`/demo/projects?sort=${sort}`).then((data) => live && setRows(data.projects))
    return () => {
      live = false
    }
  }, [sort])
  return (
    <Variants>
      <Variant title="Sortable data table">
        <Field label="Sort by" className={styles.sort}>
          <Select value={sort} onChange={(_, d) => setSort(d.value)}>
            <option value="name">Name</option>
            <option value="status">Status</option>
            <option value="updated">Last updated</option>
          </Select>
        </Field>
        {rows === null ? (
          <Spinner label="Loading projects…" />
        ) : (
          <div className={styles.tableWrap} role="region" aria-label="Projects table" tabIndex={0}>
            <Table aria-label="Projects">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Project</TableHeaderCell>
                  <TableHeaderCell>Owner</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>Last updated</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((row) => (
                  <TableRow key={row.name} data-testid="project-row">
                    <TableCell>{row.name}</TableCell>
                    <TableCell>{row.owner}</TableCell>
                    <TableCell>{row.status}</TableCell>
                    <TableCell>{formatDate(row.updated)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </Variant>
    </Variants>
  )
}

function BadgeDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Appearance">
        <div className={styles.row}>
          <Badge appearance="filled">Filled</Badge>
          <Badge appearance="tint">Tint</Badge>
          <Badge appearance="outline">Outline</Badge>
          <Badge appearance="ghost">Ghost</Badge>
        </div>
      </Variant>
      <Variant title="Colour">
        <div className={styles.row}>
          <Badge color="brand">Brand</Badge>
          <Badge color="danger">Danger</Badge>
          <Badge color="success">Success</Badge>
          <Badge color="informative">Informative</Badge>
          <Badge appearance="tint" color="warning">
            Warning
          </Badge>
        </div>
      </Variant>
      <Variant title="Counter and presence">
        <div className={styles.row}>
          <CounterBadge count={5} aria-label="5 unread messages" />
          <CounterBadge count={120} overflowCount={99} aria-label="More than 99 notifications" />
          <PresenceBadge status="available" />
          <PresenceBadge status="busy" />
          <PresenceBadge status="away" />
        </div>
      </Variant>
    </Variants>
  )
}

function AvatarDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Size">
        <div className={styles.row}>
          <Avatar name="Ana Silva" size={24} />
          <Avatar name="Ana Silva" size={32} />
          <Avatar name="Ana Silva" size={48} />
          <Avatar name="Ana Silva" size={64} />
        </div>
      </Variant>
      <Variant title="Shape, colour and presence">
        <div className={styles.row}>
          <Avatar name="Kenji Watanabe" shape="square" />
          <Avatar name="Priya Nair" color="colorful" />
          <Avatar name="Jonas Weber" badge={{ status: 'available' }} />
          <Avatar name="Sofia Rossi" image={{ src: '/api/team/2/photo.svg' }} />
        </div>
      </Variant>
      <Variant title="Group">
        <AvatarGroup>
          <AvatarGroupItem name="Ana Silva" />
          <AvatarGroupItem name="Kenji Watanabe" />
          <AvatarGroupItem name="Priya Nair" />
          <AvatarGroupItem name="Jonas Weber" />
        </AvatarGroup>
      </Variant>
    </Variants>
  )
}

function CardDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Card with header, preview and footer">
        <Card className={styles.card}>
          <CardHeader
            image={<Avatar name="Priya Nair" size={32} />}
            header={<Body1><b>Priya Nair</b> shared a theme</Body1>}
            description={<Caption1>Ocean theme · 12 tokens changed</Caption1>}
          />
          <CardPreview className={styles.cardPreview}>
            <span>Ocean</span>
          </CardPreview>
          <CardFooter>
            <Button appearance="primary">Apply theme</Button>
            <Button>Preview</Button>
          </CardFooter>
        </Card>
      </Variant>
      <Variant title="Appearance">
        <div className={styles.row}>
          <Card appearance="filled" className={styles.card}>
            <Body1>Filled card</Body1>
          </Card>
          <Card appearance="outline" className={styles.card}>
            <Body1>Outline card</Body1>
          </Card>
          <Card appearance="subtle" className={styles.card}>
            <Body1>Subtle card</Body1>
          </Card>
        </div>
      </Variant>
    </Variants>
  )
}

function ToastDemo() {
  const styles = useStyles()
  const toasterId = useId('demo-toaster')
  const { dispatchToast } = useToastController(toasterId)
  const show = (intent, title, body) =>
    dispatchToast(
      <Toast>
        <ToastTitle>{title}</ToastTitle>
        <ToastBody>{body}</ToastBody>
      </Toast>,
      { intent, timeout: 4000 },
    )
  return (
    <Variants>
      <Toaster toasterId={toasterId} />
      <Variant title="Intent">
        <div className={styles.row}>
          <Button onClick={() => show('success', 'Theme published', 'Your team can use it now.')}>Show success toast</Button>
          <Button onClick={() => show('error', 'Export failed', 'Check your connection and try again.')}>
            Show error toast
          </Button>
          <Button onClick={() => show('info', 'New version', 'Lumen 4.2 is available.')}>Show info toast</Button>
        </div>
      </Variant>
    </Variants>
  )
}

function ProgressBarDemo() {
  const styles = useStyles()
  return (
    <Variants>
      <Variant title="Determinate">
        <div className={styles.column}>
          <Field label="Uploading tokens" hint="30% complete">
            <ProgressBar value={0.3} />
          </Field>
          <Field label="Building themes" hint="70% complete" validationState="success">
            <ProgressBar value={0.7} />
          </Field>
        </div>
      </Variant>
      <Variant title="Indeterminate">
        <div className={styles.column}>
          <Field label="Syncing with the design file">
            <ProgressBar />
          </Field>
        </div>
      </Variant>
    </Variants>
  )
}

export const DEMOS = {
  button: ButtonDemo,
  input: InputDemo,
  checkbox: CheckboxDemo,
  switch: SwitchDemo,
  'radio-group': RadioGroupDemo,
  tabs: TabsDemo,
  dialog: DialogDemo,
  tooltip: TooltipDemo,
  menu: MenuDemo,
  table: TableDemo,
  badge: BadgeDemo,
  avatar: AvatarDemo,
  card: CardDemo,
  toast: ToastDemo,
  'progress-bar': ProgressBarDemo,
}
