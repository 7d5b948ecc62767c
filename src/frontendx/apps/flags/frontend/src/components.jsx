import { useEffect } from 'react'
import Spinner from 'react-bootstrap/Spinner'
import { formatMoney } from './format.js'

export function Money({ amount, testId, className, free }) {
  const text = free && amount === 0 ? 'Free' : formatMoney(amount)
  return (
    <data value={Number(amount).toFixed(2)} data-testid={testId} className={className}>
      {text}
    </data>
  )
}

export function PageTitle({ children, className = '' }) {
  useEffect(() => {
    const text = typeof children === 'string' ? children : null
    document.title = text ? `${text} · Sprig & Spoon` : 'Sprig & Spoon'
  }, [children])
  return <h1 className={`h2 fw-bold mb-3 ${className}`}>{children}</h1>
}

export function Loading({ label = 'Loading' }) {
  return (
    <div className="d-flex justify-content-center py-5">
      <Spinner animation="border" role="status" variant="success">
        <span className="visually-hidden">{label}</span>
      </Spinner>
    </div>
  )
}

// a decorative "photo" of a dish: a coloured plate, no text
export function DishArt({ hue, height = 140, className = '', testId }) {
  return (
    <div
      aria-hidden="true"
      data-testid={testId}
      className={`dish-art ${className}`}
      style={{
        height,
        background: `linear-gradient(135deg, hsl(${hue} 55% 46%), hsl(${(hue + 35) % 360} 60% 32%))`,
      }}
    >
      <svg viewBox="0 0 100 100" width={height * 0.7} height={height * 0.7} focusable="false">
        <circle cx="50" cy="50" r="44" fill="rgba(255,255,255,0.92)" />
        <circle cx="50" cy="50" r="32" fill="rgba(255,255,255,0.6)" stroke="rgba(0,0,0,0.08)" />
        <circle cx="42" cy="44" r="9" fill={`hsl(${hue} 60% 45%)`} />
        <circle cx="58" cy="52" r="7" fill={`hsl(${(hue + 60) % 360} 55% 50%)`} />
        <circle cx="47" cy="60" r="6" fill={`hsl(${(hue + 200) % 360} 45% 45%)`} />
      </svg>
    </div>
  )
}

export function HeartIcon({ filled }) {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path
        d="M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.7 4.5c2.1 0 3.6 1.2 4.3 2.4h2c.7-1.2 2.2-2.4 4.3-2.4 3.7 0 5.8 3.9 4.3 7.3C19.5 16.4 12 21 12 21z"
        fill={filled ? 'currentColor' : 'none'}
        stroke="currentColor"
        strokeWidth="1.8"
      />
    </svg>
  )
}

export function CloseIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d="M3 3l10 10M13 3L3 13" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  )
}
