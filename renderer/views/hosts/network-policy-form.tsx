import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Content,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useEffect, useId, useState } from 'react';
import type { NetworkPolicy } from '../../../api/networks-api';
import { useClient } from '../../app/client-context';
import { errorMessage, notify } from '../../app/notifications';
import { policyFields, policySummary, splitList } from './network-policy-text';

type PolicyFields = Record<keyof NetworkPolicy, string>;

/**
 * The administrator's network policy: which bridges, libvirt networks and static address ranges
 * plain users may attach cluster nodes to. Core enforces it; this only reads and sets it.
 */
export function NetworkPolicyForm() {
  const client = useClient();
  const id = useId();
  const [saved, setSaved] = useState<NetworkPolicy>();
  const [fields, setFields] = useState<PolicyFields>({
    bridges: '',
    networks: '',
    addressRanges: '',
  });
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    client.networks.policy({}).then(
      (p) => {
        if (!live) return;
        setSaved(p);
        setFields(policyFields(p));
      },
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const p = await client.networks.setPolicy({
        bridges: splitList(fields.bridges),
        networks: splitList(fields.networks),
        addressRanges: splitList(fields.addressRanges),
      });
      setSaved(p);
      setFields(policyFields(p));
      notify({ variant: 'success', title: 'Network policy saved', detail: policySummary(p) });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (key: keyof PolicyFields, label: string, placeholder: string, hint: string) => {
    const fieldId = `${id}-${key}`;
    return (
      <FormGroup label={label} fieldId={fieldId}>
        <TextInput
          id={fieldId}
          value={fields[key]}
          placeholder={placeholder}
          isDisabled={busy}
          aria-describedby={`${fieldId}-help`}
          onChange={(_e, value) => setFields((f) => ({ ...f, [key]: value }))}
        />
        <FormHelperText>
          <HelperText id={`${fieldId}-help`}>
            <HelperTextItem>{hint}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
    );
  };

  return (
    <Card component="section" aria-labelledby="networks-title" className="network-policy">
      <CardTitle>
        <Title headingLevel="h2" id="networks-title">
          Networks
        </Title>
      </CardTitle>
      <CardBody>
        <Content component="p" className="hosts-muted">
          Plain users may attach cluster nodes only to the bridges and libvirt networks named here,
          with static addresses inside these ranges. Empty allows nothing; the administrator is not
          restricted. Separate names with commas or spaces.
        </Content>
        <Form
          aria-label="Network policy"
          isWidthLimited
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {field('bridges', 'Allowed bridges', 'br0', 'Host bridges, e.g. br0.')}
          {field('networks', 'Allowed libvirt networks', 'default', 'e.g. default.')}
          {field(
            'addressRanges',
            'Allowed address ranges (CIDR)',
            '10.213.0.128/25',
            'Static node addresses must fall inside one of these.',
          )}
          {error && (
            <Alert variant="danger" isInline role="alert" title="Could not save the network policy">
              {error}. The saved policy is unchanged; correct the fields and save again.
            </Alert>
          )}
          {loadError && (
            <Alert variant="danger" isInline role="alert" title="Could not load the network policy">
              {loadError}. Reload the view to try again.
            </Alert>
          )}
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={busy || !saved} isLoading={busy}>
              Save network policy
            </Button>
          </ActionGroup>
        </Form>
        {saved && (
          <Content component="p" role="status" data-testid="network-policy-state">
            {policySummary(saved)}
          </Content>
        )}
      </CardBody>
    </Card>
  );
}
