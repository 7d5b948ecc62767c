// Inline icons (no icon font, no network): 20x20, drawn with currentColor.
function Svg({ children, size = 20, ...rest }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="currentColor"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  )
}

export function LogoMark({ size = 28 }) {
  return (
    <svg width={size} height={size} viewBox="0 0 28 28" aria-hidden="true" focusable="false">
      <rect width="28" height="28" rx="7" fill="currentColor" />
      <circle cx="14" cy="14" r="6" fill="none" stroke="#ffffff" strokeWidth="2.5" />
      <circle cx="14" cy="14" r="2" fill="#ffffff" />
    </svg>
  )
}

export function MoonIcon(props) {
  return (
    <Svg {...props}>
      <path d="M15.5 12.6A6.5 6.5 0 0 1 7.4 4.5a.6.6 0 0 0-.8-.7 7.5 7.5 0 1 0 9.6 9.6.6.6 0 0 0-.7-.8Z" />
    </Svg>
  )
}

export function SunIcon(props) {
  return (
    <Svg {...props}>
      <circle cx="10" cy="10" r="3.5" />
      <path d="M10 1.5v2M10 16.5v2M1.5 10h2M16.5 10h2M4 4l1.4 1.4M14.6 14.6 16 16M4 16l1.4-1.4M14.6 5.4 16 4" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </Svg>
  )
}

export function MenuIcon(props) {
  return (
    <Svg {...props}>
      <path d="M3 5.5h14M3 10h14M3 14.5h14" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </Svg>
  )
}

export function DismissIcon(props) {
  return (
    <Svg {...props}>
      <path d="M5 5l10 10M15 5 5 15" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </Svg>
  )
}

export function CopyIcon(props) {
  return (
    <Svg {...props}>
      <rect x="6.5" y="6.5" width="10" height="11" rx="2" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M4 13.5V4.5A2 2 0 0 1 6 2.5h7" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </Svg>
  )
}

export function PaletteIcon(props) {
  return (
    <Svg {...props}>
      <path d="M10 2a8 8 0 0 0 0 16c1.1 0 1.7-.8 1.7-1.6 0-.5-.2-.8-.4-1.1-.2-.3-.4-.6-.4-1 0-.8.6-1.3 1.4-1.3H14a4 4 0 0 0 4-4C18 5.2 14.4 2 10 2Zm-4.5 9a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Zm2-4a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Zm5 0a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Z" />
    </Svg>
  )
}

export function AccessibilityIcon(props) {
  return (
    <Svg {...props}>
      <circle cx="10" cy="3.5" r="1.8" />
      <path d="M3.5 6.5 10 8l6.5-1.5M10 8v4.5M10 12.5 7 18M10 12.5l3 5.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" fill="none" />
    </Svg>
  )
}

export function ThemeIcon(props) {
  return (
    <Svg {...props}>
      <path d="M10 2a8 8 0 1 0 0 16V2Z" />
      <circle cx="10" cy="10" r="7.3" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </Svg>
  )
}

export function DevicesIcon(props) {
  return (
    <Svg {...props}>
      <rect x="2" y="3.5" width="12" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M5 16h6" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
      <rect x="13.5" y="7.5" width="4.5" height="9" rx="1" />
    </Svg>
  )
}

export function CheckIcon(props) {
  return (
    <Svg {...props}>
      <path d="m4 10.5 3.5 3.5L16 5.5" stroke="currentColor" strokeWidth="1.8" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </Svg>
  )
}

export function AddIcon(props) {
  return (
    <Svg {...props}>
      <path d="M10 4v12M4 10h12" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </Svg>
  )
}

export function MailIcon(props) {
  return (
    <Svg {...props}>
      <rect x="2.5" y="4.5" width="15" height="11" rx="2" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="m3 5.5 7 5 7-5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </Svg>
  )
}

export function ArrowRightIcon(props) {
  return (
    <Svg {...props}>
      <path d="M11.15 4.15a.5.5 0 0 1 .7 0l5.5 5.5a.5.5 0 0 1 0 .7l-5.5 5.5a.5.5 0 0 1-.7-.7L15.79 10.5H3.5a.5.5 0 0 1 0-1h12.29l-4.64-4.65a.5.5 0 0 1 0-.7Z" />
    </Svg>
  )
}
