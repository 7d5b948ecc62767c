import { Link } from 'react-router-dom'
import { Typography } from 'antd'

export default function NotFound() {
  return (
    <div style={{ textAlign: 'center', padding: '48px 0' }}>
      <Typography.Title level={1} style={{ fontSize: 28 }}>
        Page not found
      </Typography.Title>
      <Typography.Paragraph>There is nothing at this address.</Typography.Paragraph>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </div>
  )
}
