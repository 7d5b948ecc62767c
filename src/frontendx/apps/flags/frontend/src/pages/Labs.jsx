import { useEffect, useState } from 'react'
import Alert from 'react-bootstrap/Alert'
import Badge from 'react-bootstrap/Badge'
import Button from 'react-bootstrap/Button'
import Card from 'react-bootstrap/Card'
import Form from 'react-bootstrap/Form'
import Table from 'react-bootstrap/Table'
import { api } from '../api.js'
import { ARM, BETA, FLAGS, writeFlags } from '../flags.js'
import { PageTitle } from '../components.jsx'

function OnOff({ on, testId }) {
  return (
    <Badge bg={on ? 'success' : 'secondary'} data-testid={testId}>
      {on ? 'On' : 'Off'}
    </Badge>
  )
}

function update(changes) {
  const next = { ...FLAGS }
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key]
    else next[key] = value
  }
  writeFlags(next)
  window.location.reload()
}

export default function Labs() {
  const [server, setServer] = useState(null)
  useEffect(() => {
    api('/flags')
      .then(setServer)
      .catch(() => setServer(null))
  }, [])
  const entries = Object.entries(FLAGS)
  return (
    <div className="mx-auto" style={{ maxWidth: 760 }}>
      <PageTitle>Preview features</PageTitle>
      <p className="lead">
        Try what we are working on before everyone else. Your choices are saved in this browser and take effect
        straight away.
      </p>

      <Card className="mb-4" as="section" aria-labelledby="beta-title">
        <Card.Body>
          <div className="d-flex justify-content-between align-items-start gap-2">
            <h2 id="beta-title" className="h5">
              Beta programme
            </h2>
            <OnOff on={BETA} testId="beta-status" />
          </div>
          <p>Members of the beta programme get:</p>
          <ul>
            <li>Smart search on the menu: finds recipes by ingredient too, in any word order, ignoring accents.</li>
            <li>Nutrition facts on recipe pages.</li>
            <li>The new pricing service for recipe prices, showing the price per serving after discounts.</li>
            <li>The new box service behind your recipe box.</li>
          </ul>
          <Form.Check
            type="switch"
            id="beta-toggle"
            label="Join the beta programme"
            checked={BETA}
            onChange={(e) => update({ beta: e.target.checked ? 'on' : null })}
          />
        </Card.Body>
      </Card>

      <Card className="mb-4" as="section" aria-labelledby="experiment-title">
        <Card.Body>
          <div className="d-flex justify-content-between align-items-start gap-2">
            <h2 id="experiment-title" className="h5">
              Pricing experiment
            </h2>
            <Badge bg="secondary" data-testid="experiment-status">
              Version {ARM.toUpperCase()}
            </Badge>
          </div>
          <p>
            We are testing two versions of the home page and the pricing page. Version A is the standard experience;
            version B shows a new home page headline, a comparison table of plans and a welcome offer for the
            recipe letter.
          </p>
          <fieldset>
            <legend className="visually-hidden">Pricing experiment version</legend>
            <Form.Check
              type="radio"
              id="arm-a"
              name="experiment"
              label="Version A (standard)"
              checked={ARM === 'a'}
              onChange={() => update({ experiment: null })}
            />
            <Form.Check
              type="radio"
              id="arm-b"
              name="experiment"
              label="Version B"
              checked={ARM === 'b'}
              onChange={() => update({ experiment: 'b' })}
            />
          </fieldset>
        </Card.Body>
      </Card>

      <Card as="section" aria-labelledby="active-title">
        <Card.Body>
          <h2 id="active-title" className="h5">
            Active flags
          </h2>
          {entries.length === 0 ? (
            <p>No flags are set: you see the standard experience.</p>
          ) : (
            <Table size="sm" className="w-auto">
              <thead>
                <tr>
                  <th scope="col">Flag</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {entries.map(([key, value]) => (
                  <tr key={key}>
                    <td>
                      <code>{key}</code>
                    </td>
                    <td>
                      <code>{value}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {server ? (
            <p data-testid="server-flags">
              Our servers see: beta programme {server.beta ? 'on' : 'off'}, pricing version {server.experiment.toUpperCase()}.
            </p>
          ) : null}
          {server && (server.beta !== BETA || server.experiment !== ARM) ? (
            <Alert variant="warning">Your browser and our servers disagree about your preview features. Reload the page.</Alert>
          ) : null}
          <Button variant="outline-secondary" onClick={() => update({ beta: null, experiment: null })} disabled={entries.length === 0}>
            Reset to standard experience
          </Button>
        </Card.Body>
      </Card>
    </div>
  )
}
