import { useState } from 'react'
import Box from '@mui/material/Box'
import FormControl from '@mui/material/FormControl'
import FormHelperText from '@mui/material/FormHelperText'
import InputLabel from '@mui/material/InputLabel'
import NativeSelect from '@mui/material/NativeSelect'
import OutlinedInput from '@mui/material/OutlinedInput'
import Typography from '@mui/material/Typography'
import { formatMoney, initials } from './format.js'

export function Money({ amount, testId, ...props }) {
  return (
    <data value={Number(amount).toFixed(2)} data-testid={testId} {...props}>
      {formatMoney(amount)}
    </data>
  )
}

export function Swatch({ color, name, size = 56 }) {
  return (
    <Box
      aria-hidden="true"
      sx={{
        width: size,
        height: size,
        flex: 'none',
        borderRadius: 2,
        display: 'grid',
        placeItems: 'center',
        color: '#fff',
        fontWeight: 700,
        fontSize: size / 3,
        background: `linear-gradient(135deg, ${color}, ${color}99)`,
      }}
    >
      {initials(name)}
    </Box>
  )
}

export function SummaryRow({ label, children, strong }) {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'space-between', py: 0.5 }}>
      <Typography component="span" sx={{ fontWeight: strong ? 700 : 400 }}>
        {label}
      </Typography>
      <Typography component="span" sx={{ fontWeight: strong ? 700 : 500 }}>
        {children}
      </Typography>
    </Box>
  )
}

export function Totals({ cart }) {
  return (
    <Box>
      <SummaryRow label="Subtotal">
        <Money amount={cart.subtotal} testId="summary-subtotal" />
      </SummaryRow>
      {cart.coupon ? (
        <SummaryRow label={`Discount (${cart.coupon.code})`}>
          −<Money amount={cart.discount} testId="summary-discount" />
        </SummaryRow>
      ) : null}
      <SummaryRow label={`Tax (${cart.taxRate}%)`}>
        <Money amount={cart.tax} testId="summary-tax" />
      </SummaryRow>
      <SummaryRow label="Shipping">
        {cart.shipping === 0 ? (
          <data value="0.00" data-testid="summary-shipping">
            Free
          </data>
        ) : (
          <Money amount={cart.shipping} testId="summary-shipping" />
        )}
      </SummaryRow>
      <Box sx={{ borderTop: 1, borderColor: 'divider', mt: 1, pt: 1 }}>
        <SummaryRow label="Total" strong>
          <Money amount={cart.total} testId="summary-total" />
        </SummaryRow>
      </Box>
    </Box>
  )
}

export function PageTitle({ children, sx }) {
  return (
    <Typography variant="h1" sx={{ mb: 3, ...sx }}>
      {children}
    </Typography>
  )
}

// A labelled outlined text field (MUI's TextField would also bundle Select, Menu and Popover).
let fieldCount = 0
export function Field({ label, id, helperText, error, startAdornment, inputProps, type = 'text', size, sx, ...props }) {
  const [autoId] = useState(() => `field-${++fieldCount}`)
  const inputId = id || autoId
  return (
    <FormControl variant="outlined" error={error} size={size} sx={sx} fullWidth>
      <InputLabel htmlFor={inputId} shrink={startAdornment ? true : undefined}>
        {label}
      </InputLabel>
      <OutlinedInput
        id={inputId}
        label={label}
        type={type}
        notched={startAdornment ? true : undefined}
        startAdornment={startAdornment}
        inputProps={{ ...inputProps, 'aria-describedby': helperText ? `${inputId}-help` : undefined }}
        {...props}
      />
      {helperText ? <FormHelperText id={`${inputId}-help`}>{helperText}</FormHelperText> : null}
    </FormControl>
  )
}

export function SelectField({ label, children, sx, ...props }) {
  const [id] = useState(() => `field-${++fieldCount}`)
  return (
    <FormControl variant="outlined" sx={sx} fullWidth>
      <InputLabel htmlFor={id} shrink>
        {label}
      </InputLabel>
      <NativeSelect id={id} input={<OutlinedInput label={label} notched />} {...props}>
        {children}
      </NativeSelect>
    </FormControl>
  )
}
