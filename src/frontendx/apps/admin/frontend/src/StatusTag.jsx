import { Tag } from 'antd'
import { STATUS_LABELS } from './format.js'
import { useDark } from './mode.js'

// Status colours with readable contrast in both colour schemes.
const LIGHT = {
  active: ['#1d6313', '#f0f9eb', '#b7eb8f'],
  trial: ['#0b4fa8', '#eaf3ff', '#a9cdfa'],
  paused: ['#7a4a00', '#fff7e6', '#ffd591'],
  churned: ['#444444', '#f2f2f2', '#d0d0d0'],
  archived: ['#444444', '#ffffff', '#bfbfbf'],
}
const DARK = {
  active: ['#95de64', '#162312', '#274916'],
  trial: ['#8fc3ff', '#111d2c', '#15395b'],
  paused: ['#ffc96b', '#2b2111', '#594214'],
  churned: ['#d9d9d9', '#262626', '#434343'],
  archived: ['#d9d9d9', '#1f1f1f', '#595959'],
}

export default function StatusTag({ status, label, style, ...rest }) {
  const [color, background, border] = (useDark() ? DARK : LIGHT)[status]
  return (
    <Tag style={{ color, background, borderColor: border, marginInlineEnd: 0, ...style }} {...rest}>
      {label || STATUS_LABELS[status]}
    </Tag>
  )
}
