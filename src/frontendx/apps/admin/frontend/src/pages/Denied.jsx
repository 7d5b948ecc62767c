import { Alert, Typography } from 'antd'

export default function Denied({ title }) {
  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 28, marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Alert type="warning" showIcon title="You don't have access to this page." />
    </div>
  )
}
